"""tantivy is the embedded default search engine (issue 19), and an install whose records were indexed by SQLite
FTS5 keeps working: its tantivy index is built from the records (the one read path, `records.read`) the first
time it is opened — by `donthu search`, `donthu ingest`, `donthu serve`, the API or a worker —, once, saying
so; a build that was interrupted is done again; `donthu reindex` builds the configured index.

Input: a real records database made as an install before the switch made it: three generated letters
(corpus generator seeds 5, 6 and 7: a complaint, a denunciation, a land-dispute letter) as born-digital PDFs,
ingested by the real pipeline with `DONTHU_SEARCH_BACKEND=sqlite`. Expected: the tantivy index built from those
records answers with the same documents as the SQLite FTS5 index they were indexed into.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from donthu.config import Settings, load_settings
from scans import make_scan
from search.backend import SearchQuery

REPO = Path(__file__).resolve().parents[1]
LETTERS = [("complaint_letter", 5), ("denunciation_letter", 6), ("land_dispute_letter", 7)]
QUERIES = ["khieu nai", "đất", "Ủy ban nhân dân", "to cao"]


def _cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """The real `donthu` command with no DONTHU_* variable but `env`: the defaults an install gets."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DONTHU_")}
    return subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args], cwd=REPO,
                          env={**clean, "PYTHONPATH": str(REPO), **env}, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def sqlite_install(tmp_path_factory) -> Path:
    """The data folder of an install indexed by SQLite FTS5 (records, originals, index.sqlite; no tantivy)."""
    from ingest.batch import ingest_paths

    tmp = tmp_path_factory.mktemp("sqlite-install")
    (tmp / "in").mkdir()
    for family, seed in LETTERS:
        make_scan(tmp / "in" / f"{family}-{seed}.pdf", family=family, seed=seed, fmt="digital")
    settings = Settings(data_dir=tmp / "data", search_backend="sqlite", workers=1)
    report = ingest_paths([tmp / "in"], settings, progress=False, workers=1)
    assert report.count("done") == len(LETTERS), report.items
    assert (tmp / "data" / "index.sqlite").is_file() and not (tmp / "data" / "index.tantivy").exists()
    return tmp / "data"


@pytest.fixture
def upgraded(sqlite_install: Path, tmp_path: Path) -> Settings:
    """A copy of that data folder, opened with this version's defaults."""
    shutil.copytree(sqlite_install, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data", workers=1)


def _doc_ids(settings: Settings, text: str, **query) -> list[int]:
    from ingest.indexing import open_index

    index = open_index(settings)
    try:
        return sorted(h.doc_id for h in index.search(SearchQuery(text=text, limit=50, **query)).hits)
    finally:
        index.close()


def test_the_default_engine_is_tantivy_beside_the_records() -> None:
    assert Settings().search_backend == "tantivy" and load_settings({}).search_backend == "tantivy"
    assert load_settings({"DONTHU_SEARCH_BACKEND": "sqlite"}).search_backend == "sqlite"
    assert load_settings({"DONTHU_SEARCH_BACKEND": " Elasticsearch "}).search_backend == "elasticsearch"
    settings = Settings(data_dir=Path("/srv/donthu"))
    assert settings.embedded_index_path == Path("/srv/donthu/index.tantivy") == settings.tantivy_path
    assert settings.tantivy_path.parent == settings.sqlite_path.parent
    assert Settings(search_backend="sqlite").embedded_index_path == Settings().index_path
    assert Settings(search_backend="elasticsearch").embedded_index_path is None


def test_a_new_install_makes_its_index_on_first_use(tmp_path: Path) -> None:
    from ingest.indexing import open_index

    said: list[str] = []
    settings = Settings(data_dir=tmp_path / "data")
    index = open_index(settings, say=said.append)
    try:
        assert index.count() == 0 and index.search(SearchQuery(text="đất")).total == 0
    finally:
        index.close()
    assert (tmp_path / "data" / "index.tantivy" / "meta.json").is_file()
    assert said == []  # nothing stored: nothing to build, nothing to say


def test_donthu_search_on_an_sqlite_install_builds_the_tantivy_index_once(sqlite_install: Path,
                                                                          tmp_path: Path) -> None:
    shutil.copytree(sqlite_install, tmp_path / "data")
    data = tmp_path / "data"
    first = _cli(data, "search", "khieu nai", "--json")
    assert first.returncode == 0, first.stderr
    assert "does not exist yet and 3 documents are stored" in first.stderr
    assert "donthu reindex" in first.stderr and "holds 3 documents" in first.stderr
    assert (data / "index.tantivy" / "meta.json").is_file()
    again = _cli(data, "search", "khieu nai", "--json")
    assert again.returncode == 0 and again.stderr == "" and again.stdout == first.stdout
    # the same documents as the SQLite FTS5 index the records were indexed into, which stays selectable
    fts = Settings(data_dir=data, search_backend="sqlite")
    tantivy = Settings(data_dir=data)
    for text in QUERIES:
        assert _doc_ids(tantivy, text) == _doc_ids(fts, text) != [], text
    assert _doc_ids(tantivy, "", type="denunciation") == _doc_ids(fts, "", type="denunciation") != []
    pinned = _cli(data, "search", "khieu nai", "--json", DONTHU_SEARCH_BACKEND="sqlite")
    assert pinned.returncode == 0 and pinned.stderr == ""


def test_ingest_into_an_sqlite_install_indexes_the_stored_documents_too(upgraded: Settings,
                                                                        tmp_path: Path) -> None:
    """New documents must not land in an empty tantivy index that would then look built: `donthu ingest`
    builds it from the stored records first."""
    (tmp_path / "new").mkdir()
    make_scan(tmp_path / "new" / "kien-nghi.pdf", family="recommendation_letter", seed=8, fmt="digital")
    out = _cli(upgraded.data_dir, "ingest", str(tmp_path / "new"), "--quiet", "--workers", "1")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "holds 3 documents" in out.stderr and "1 done" in out.stdout
    from ingest.indexing import open_index

    index = open_index(upgraded)
    try:
        assert index.count() == 4
    finally:
        index.close()


def test_the_api_answers_from_the_built_index(upgraded: Settings) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.accounts import logged_in

    expected = _doc_ids(Settings(data_dir=upgraded.data_dir, search_backend="sqlite"), "đất")
    with TestClient(create_app(upgraded, submit=lambda _id: None)) as client:
        logged_in(client)
        found = client.get("/search", params={"q": "đất", "limit": 50}).json()
    assert sorted(h["doc_id"] for h in found["hits"]) == expected != []


def test_an_interrupted_build_is_done_again(upgraded: Settings, monkeypatch) -> None:
    """A build stopped after its first batch (Ctrl-C) leaves a partial index that must not pass as built."""
    from ingest import indexing
    from search.tantivy_index import TantivyBackend

    real = TantivyBackend.index_many
    calls = {"n": 0}

    def stopped_after_one_batch(self, docs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        real(self, docs)

    monkeypatch.setattr(TantivyBackend, "index_many", stopped_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        indexing.open_index(upgraded, batch=1)
    monkeypatch.setattr(TantivyBackend, "index_many", real)
    said: list[str] = []
    index = indexing.open_index(upgraded, say=said.append)
    try:
        assert index.count() == 3
    finally:
        index.close()
    assert "was not finished" in said[0]
    said.clear()
    indexing.open_index(upgraded, say=said.append).close()
    assert said == []


def test_processes_opening_it_together_build_it_once(upgraded: Settings) -> None:
    """Two openers at once (a server's web process and a worker): one builds, the other waits for it."""
    from ingest.indexing import open_index

    said: list[str] = []
    counts: list[int] = []

    def open_and_count() -> None:
        index = open_index(upgraded, say=said.append)
        try:
            counts.append(index.count())
        finally:
            index.close()

    threads = [threading.Thread(target=open_and_count) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert counts == [3, 3]
    assert sum("building it from the records" in s for s in said) == 1


def test_reindex_builds_the_configured_index(upgraded: Settings) -> None:
    out = _cli(upgraded.data_dir, "reindex")
    assert out.returncode == 0 and "3 documents indexed into tantivy" in out.stdout, out.stdout + out.stderr
    out = _cli(upgraded.data_dir, "reindex", DONTHU_SEARCH_BACKEND="sqlite")
    assert out.returncode == 0 and "3 documents indexed into sqlite" in out.stdout, out.stdout + out.stderr
    out = _cli(upgraded.data_dir, "reindex", "--to", "elasticsearch")
    assert out.returncode == 2 and "needs DONTHU_ES_URL" in out.stderr
