"""One read path (records.read): a clerk's corrections of type, parties and parcels reach every reader —
`donthu show --json`, `donthu list`, the API, search filters, facets and snippets (the default engine,
tantivy), `donthu reindex` (tantivy and SQLite FTS5 for real, the Elasticsearch backend's page documents), and
the local indexer of a document processed again. The Celery indexer is tested in test_celery.py.

Input: a generated complaint letter (corpus generator, seed 2) as a born-digital PDF, ingested by the real
pipeline; the expected values are the generator's truth before the correction and the clerk's entries after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from donthu.config import Settings
from scans import make_scan
from tests.accounts import logged_in

REPO = Path(__file__).resolve().parents[1]
WHO = "Nguyễn Thị Thu"
PARTIES = [{"name": "Lê Văn Tám", "role": "denouncer", "id_number": "087123456789", "address": "ấp Mỹ Hòa"}]
PARCELS = [{"parcel_no": "318", "map_sheet": "21", "area_m2": 1250.5, "area_text": None, "area_value": None,
            "area_unit": None, "land_use": "ONT", "commune": "Mỹ Hội Đông", "district": "Chợ Mới",
            "province": "An Giang"}]


def _cli(settings: Settings, *args: str, backend: str | None = None) -> subprocess.CompletedProcess:
    """`donthu` with the default settings, or with DONTHU_SEARCH_BACKEND=`backend`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONTHU_")}
    if backend:
        env["DONTHU_SEARCH_BACKEND"] = backend
    return subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(settings.data_dir), *args],
                          cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """(settings, document id, generated truth): the letter ingested, then corrected by a clerk."""
    from ingest.batch import ingest_paths
    from ingest.indexing import correct
    from records.read import read_document
    from records.store import Store
    from search import open_backend

    tmp = tmp_path_factory.mktemp("read-path")
    (tmp / "in").mkdir()
    truth, _ = make_scan(tmp / "in" / "don-khieu-nai.pdf", family="complaint_letter", seed=2, fmt="digital")
    settings = Settings(data_dir=tmp / "data", workers=1)
    report = ingest_paths([tmp / "in"], settings, progress=False, workers=1)
    assert report.count("done") == 1, report.items
    doc_id = report.items[0].document_id
    store = Store(settings)
    index = open_backend(settings)
    try:
        before = read_document(store, doc_id).record
        assert truth.type == "complaint" and before.type == truth.type  # what the clerk corrects
        stored = correct(store, index, doc_id,
                         [("type", "denunciation"), ("parties", PARTIES), ("parcels", PARCELS)], WHO)
        assert [c.field for c in stored] == ["type", "parties", "parcels"]
    finally:
        index.close()
        store.close()
    return settings, doc_id, truth


def test_show_and_list_print_the_corrected_record(corrected) -> None:
    settings, doc_id, truth = corrected
    # the corrected type makes it a denunciation: without --cleared the denouncer is masked (docs/access.md)
    masked = _cli(settings, "show", str(doc_id), "--json")
    assert masked.returncode == 0, masked.stderr
    assert [p["name"] for p in json.loads(masked.stdout)["record"]["parties"]] == ["[đã ẩn]"]
    assert "Lê Văn Tám" not in _cli(settings, "list").stdout
    shown = _cli(settings, "show", str(doc_id), "--json", "--cleared")
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)["record"]
    assert record["type"] == "denunciation" and record["type_confidence"] == 1.0
    assert record["parties"] == PARTIES
    assert record["parcels"] == PARCELS
    assert record["kind"] == truth.kind  # uncorrected fields stay the extraction's
    listing = _cli(settings, "list", "--cleared")
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith(str(doc_id)))
    assert "denunciation" in row and "Lê Văn Tám" in row and "318/21" in row


def test_api_and_pages_read_the_corrected_record(corrected) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    settings, doc_id, _ = corrected
    with TestClient(create_app(settings, submit=lambda _id: None)) as client:
        logged_in(client)
        record = client.get(f"/documents/{doc_id}").json()["record"]
        assert (record["type"], record["parties"], record["parcels"]) == ("denunciation", PARTIES, PARCELS)
        summary = next(d for d in client.get("/documents").json()["items"] if d["id"] == doc_id)
        assert summary["type"] == "denunciation"
        page = client.get(f"/van-ban/{doc_id}").text
        assert "Lê Văn Tám" in page and "Mỹ Hội Đông" in page
        found = client.get("/search", params={"type": "denunciation"}).json()
        assert [h["doc_id"] for h in found["hits"]] == [doc_id]


def _search(settings: Settings, *args: str, backend: str | None = None) -> dict:
    out = _cli(settings, "search", *args, "--json", backend=backend)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _assert_found_as_corrected(settings: Settings, doc_id: int, backend: str | None = None) -> None:
    """The search filters, facets and snippets of the index (the default one, or `backend`) follow the
    correction."""
    def search(*args: str) -> dict:
        return _search(settings, *args, backend=backend)

    assert [h["doc_id"] for h in search("--type", "denunciation")["hits"]] == [doc_id]
    assert search("--type", "complaint")["total"] == 0
    assert [h["doc_id"] for h in search("--parcel", "318/21")["hits"]] == [doc_id]
    assert [h["doc_id"] for h in search("--commune", "Mỹ Hội Đông")["hits"]] == [doc_id]
    results = search("khiếu nại", "--type", "denunciation")  # words of the letter's own text
    assert [h["doc_id"] for h in results["hits"]] == [doc_id]
    assert "<mark>" in results["hits"][0]["snippet"]
    assert results["hits"][0]["type"] == "denunciation"
    facets = search()["facets"]
    assert facets["type"] == {"denunciation": 1}
    assert facets["commune"] == {"Mỹ Hội Đông": 1} and facets["district"] == {"Chợ Mới": 1}


def test_search_follows_the_correction(corrected) -> None:
    settings, doc_id, _ = corrected
    _assert_found_as_corrected(settings, doc_id)


def _indexed(settings: Settings, backend: str) -> list[int]:
    """The documents in the `backend` index as it is (`search.open_backend` builds nothing on opening)."""
    import dataclasses

    from search import open_backend
    from search.backend import SearchQuery

    index = open_backend(dataclasses.replace(settings, search_backend=backend))
    try:
        return [h.doc_id for h in index.search(SearchQuery(limit=50)).hits]
    finally:
        index.close()


def test_reindex_to_sqlite_keeps_the_correction(corrected) -> None:
    """A switch back to SQLite FTS5 (selectable with DONTHU_SEARCH_BACKEND=sqlite)."""
    import dataclasses

    from search import open_backend

    settings, doc_id, _ = corrected
    index = open_backend(dataclasses.replace(settings, search_backend="sqlite"))
    index.delete(doc_id)
    index.close()
    assert _indexed(settings, "sqlite") == []
    out = _cli(settings, "reindex", "--to", "sqlite")
    assert out.returncode == 0 and "1 documents indexed into sqlite" in out.stdout, out.stdout + out.stderr
    assert _indexed(settings, "sqlite") == [doc_id]
    _assert_found_as_corrected(settings, doc_id, backend="sqlite")


def test_reindex_to_tantivy_keeps_the_correction(corrected) -> None:
    """A switch of engine: `donthu reindex --to tantivy` builds the tantivy index from the records (twice: the
    second run replaces, not adds), and it answers as corrected."""
    import dataclasses

    from search import open_backend
    from search.backend import SearchQuery

    settings, doc_id, _ = corrected
    for _ in range(2):
        out = _cli(settings, "reindex", "--to", "tantivy")
        assert out.returncode == 0 and "1 documents indexed into tantivy" in out.stdout, out.stdout + out.stderr
    index = open_backend(dataclasses.replace(settings, search_backend="tantivy"))
    try:
        assert index.count() == 1
        find = lambda **kw: index.search(SearchQuery(**kw))  # noqa: E731
        assert [h.doc_id for h in find(type="denunciation").hits] == [doc_id]
        assert find(type="complaint").total == 0
        assert [h.doc_id for h in find(parcel="318/21").hits] == [doc_id]
        assert [h.doc_id for h in find(commune="Mỹ Hội Đông").hits] == [doc_id]
        hit = find(text="khiếu nại", type="denunciation").hits[0]
        assert hit.doc_id == doc_id and "<mark>" in hit.snippet and hit.type == "denunciation"
        facets = find().facets
        assert facets["type"] == {"denunciation": 1}
        assert facets["commune"] == {"Mỹ Hội Đông": 1} and facets["district"] == {"Chợ Mới": 1}
    finally:
        index.close()


def test_reindex_to_elasticsearch_sends_the_corrected_documents(corrected) -> None:
    """The page documents `donthu reindex --to elasticsearch` sends (the server itself is tested where
    DONTHU_ES_URL points at one: test_search_behaviour.py)."""
    from ingest.indexing import stored_index_documents
    from records.store import Store
    from search.elastic import page_sources

    settings, doc_id, _ = corrected
    store = Store(settings)
    try:
        docs = [d for batch in stored_index_documents(store) for d in batch]
    finally:
        store.close()
    assert [d.doc_id for d in docs] == [doc_id]
    sources = page_sources(docs[0])
    assert {s["type"] for s in sources} == {"denunciation"}
    first = sources[0]
    assert first["parcels"] == ["318/21"] and first["parties"] == ["Lê Văn Tám"]
    assert first["communes"] == ["Mỹ Hội Đông"] and first["districts"] == ["Chợ Mới"]


def test_document_processed_again_keeps_its_corrections(corrected) -> None:
    """The local pool's task (ingest.tasks.run_document) indexes and stores derived rows as readers see them."""
    from ingest.tasks import run_document
    from records.read import read_document
    from records.store import Store
    from records.tables import documents, parties
    from search import open_backend
    from sqlalchemy import select

    settings, doc_id, truth = corrected
    store = Store(settings)
    try:
        index = open_backend(settings)
        index.delete(doc_id)
        index.close()
        store.mark_failed(doc_id, "simulated: processed again")  # a failed document is run again by retry
        assert run_document(doc_id, settings) == "done"
        info = read_document(store, doc_id)
        assert info.record.type == "denunciation" and [p.model_dump() for p in info.record.parties] == PARTIES
        with store.engine.connect() as conn:
            assert conn.execute(select(documents.c.type).where(documents.c.id == doc_id)).scalar() == "denunciation"
            names = conn.execute(select(parties.c.name).where(parties.c.document_id == doc_id)).scalars().all()
        assert names == ["Lê Văn Tám"]
        raw = store.get(doc_id).record  # the extraction itself is kept as it came
        assert raw.type == truth.type
    finally:
        store.close()
    assert _indexed(settings, settings.search_backend) == [doc_id]  # indexed by the task, not built on opening
    _assert_found_as_corrected(settings, doc_id)
