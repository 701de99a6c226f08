"""Backup, verification and restore of the embedded data folder (records.backup, `donthu backup/restore`).

Input: two generated letters (corpus generator seeds 3 and 4), one born-digital PDF and one 200-dpi scan,
ingested by the real pipeline. Expected: the restored folder reads record by record as the original folder
(the one read path), searches find the same documents, originals are byte-identical. The default engine's
index (tantivy) is not in the backup: it is built from the restored records on first use.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from donthu.config import Settings
from records.backup import BackupError, backup, restore, verify_backup
from records.read import list_documents
from records.store import Store
from scans import make_scan
from search.backend import SearchQuery

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Settings:
    from ingest.batch import ingest_paths

    tmp = tmp_path_factory.mktemp("backup")
    (tmp / "in").mkdir()
    make_scan(tmp / "in" / "don-khieu-nai.pdf", family="complaint_letter", seed=3, fmt="digital")
    make_scan(tmp / "in" / "don-to-cao.png", family="denunciation_letter", seed=4, level="light", dpi=200,
              fmt="png")
    settings = Settings(data_dir=tmp / "data", workers=1)
    report = ingest_paths([tmp / "in"], settings, progress=False, workers=1)
    assert report.count("done") == 2, report.items
    return settings


def _records(settings: Settings) -> list[dict]:
    store = Store(settings)
    try:
        return [{"file": i.file, "sha256": i.sha256, "status": i.status,
                 "record": i.record.model_dump(mode="json") if i.record else None}
                for i in list_documents(store, limit=100)]
    finally:
        store.close()


def _hits(settings: Settings, text: str) -> list[str]:
    from ingest.indexing import open_index

    index = open_index(settings)  # as every reader opens it: built from the records when missing
    try:
        return sorted(h.file for h in index.search(SearchQuery(text=text, limit=20)).hits)
    finally:
        index.close()


def test_round_trip_restores_every_record_original_and_search(data, tmp_path):
    report = backup(data, tmp_path / "bk")
    assert (report.documents, report.originals) == (2, 2)
    checked = verify_backup(tmp_path / "bk")
    assert checked.ok and checked.originals == 2, checked.problems

    assert not (tmp_path / "bk" / "index.sqlite").exists() and not (tmp_path / "bk" / "index.tantivy").exists()
    fresh = Settings(data_dir=tmp_path / "restored", workers=1)
    restore(tmp_path / "bk", fresh)
    assert not fresh.tantivy_path.exists()
    assert _records(fresh) == _records(data)
    for info in _records(data):
        sha = info["sha256"]
        assert (fresh.originals_dir / sha[:2] / sha[2:]).read_bytes() == \
            (data.originals_dir / sha[:2] / sha[2:]).read_bytes()
    assert _hits(fresh, "khieu nai") == _hits(data, "khieu nai") != []
    assert _hits(fresh, "tố cáo") == _hits(data, "tố cáo") != []


def test_restore_over_records_drops_their_index_and_search_follows_the_restored_ones(data, tmp_path):
    from ingest.batch import ingest_paths

    backup(data, tmp_path / "bk")
    moved = Settings(data_dir=tmp_path / "moved", workers=1)
    restore(tmp_path / "bk", moved)
    (tmp_path / "in").mkdir()
    make_scan(tmp_path / "in" / "kien-nghi.pdf", family="recommendation_letter", seed=5, fmt="digital")
    assert ingest_paths([tmp_path / "in"], moved, progress=False, workers=1).count("done") == 1
    everything = _hits(data, "")  # browsing: every document
    assert _hits(moved, "") == sorted([*everything, str(tmp_path / "in" / "kien-nghi.pdf")])
    restore(tmp_path / "bk", moved, force=True)  # back to the two documents of the backup
    assert not moved.tantivy_path.exists()  # it described the third document's records
    assert _hits(moved, "") == everything and len(everything) == 2
    assert _hits(moved, "khieu nai") == _hits(data, "khieu nai") != []


def test_with_sqlite_fts5_the_backup_holds_its_index(data, tmp_path):
    import dataclasses

    from ingest.indexing import open_index

    fts = dataclasses.replace(data, search_backend="sqlite")
    open_index(fts).close()  # built from the records
    backup(fts, tmp_path / "bk")
    assert json.loads((tmp_path / "bk" / "manifest.json").read_text())["files"].keys() == {"donthu.sqlite",
                                                                                        "index.sqlite"}
    restored = Settings(data_dir=tmp_path / "restored", search_backend="sqlite", workers=1)
    restore(tmp_path / "bk", restored)
    assert restored.index_path.is_file()
    assert _hits(restored, "tố cáo") == _hits(data, "tố cáo") != []


def test_second_backup_links_unchanged_originals(data, tmp_path):
    backup(data, tmp_path / "bk")
    again = backup(data, tmp_path / "bk")
    assert (again.originals_linked, again.bytes_copied) == (2, 0)
    assert verify_backup(tmp_path / "bk").ok


def test_a_damaged_backup_fails_verification_and_is_not_restored(data, tmp_path):
    backup(data, tmp_path / "bk")
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    sha = manifest["originals"][0]
    blob = tmp_path / "bk" / "originals" / sha[:2] / sha[2:]
    raw = bytearray(blob.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte, as a failing disk would
    blob.write_bytes(bytes(raw))
    checked = verify_backup(tmp_path / "bk")
    assert not checked.ok and checked.problems == [f"original {sha[:12]}… is damaged"]
    with pytest.raises(BackupError, match="does not verify"):
        restore(tmp_path / "bk", Settings(data_dir=tmp_path / "restored"))
    assert not (tmp_path / "restored" / "donthu.sqlite").exists()


def test_restore_refuses_a_folder_with_records(data, tmp_path):
    backup(data, tmp_path / "bk")
    with pytest.raises(BackupError, match="already holds records"):
        restore(tmp_path / "bk", data)


def test_backup_into_a_foreign_folder_or_inside_the_data_folder_is_refused(data, tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "holiday.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(BackupError, match="not a donthu backup"):
        backup(data, tmp_path / "photos")
    assert (tmp_path / "photos" / "holiday.jpg").exists()
    with pytest.raises(BackupError, match="outside the data folder"):
        backup(data, data.data_dir / "bk")


_SLOW_BACKUP = """
import sys, time
import records.backup as b
real = b._copy_verified
def slow(source, target, sha):  # fault injection: a slow disk, so the test can kill the backup mid-copy
    size = real(source, target, sha)
    print("copied", flush=True)
    time.sleep(60)
    return size
b._copy_verified = slow
from donthu.config import Settings
from pathlib import Path
b.backup(Settings(data_dir=Path(sys.argv[1])), sys.argv[2])
"""


def test_a_backup_killed_midway_leaves_the_previous_backup_intact(data, tmp_path):
    backup(data, tmp_path / "bk")
    before = sorted(p.relative_to(tmp_path / "bk") for p in (tmp_path / "bk").rglob("*"))
    # a new document since the last backup, so the next one has something to copy
    (tmp_path / "in").mkdir()
    make_scan(tmp_path / "in" / "kien-nghi.pdf", family="recommendation_letter", seed=5, fmt="digital")
    moved = Settings(data_dir=tmp_path / "data2", workers=1)
    restore(tmp_path / "bk", moved)
    from ingest.batch import ingest_paths

    assert ingest_paths([tmp_path / "in"], moved, progress=False, workers=1).count("done") == 1
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BACKUP, str(moved.data_dir), str(tmp_path / "bk")],
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "copied"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.2)
    assert sorted(p.relative_to(tmp_path / "bk") for p in (tmp_path / "bk").rglob("*")) == before
    assert verify_backup(tmp_path / "bk").ok
    assert json.loads((tmp_path / "bk" / "manifest.json").read_text())["documents"] == 2
    assert list(tmp_path.glob(".bk.partial-*"))  # what the killed backup had written
    # the next backup completes, replaces it, and removes the killed one's half-written folder
    done = backup(moved, tmp_path / "bk")
    assert done.documents == 3 and verify_backup(tmp_path / "bk").ok
    assert not list(tmp_path.glob(".bk.*"))


def test_cli_backup_verify_restore(data, tmp_path):
    def cli(*args, data_dir):
        return subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                              timeout=300)

    out = cli("backup", str(tmp_path / "bk"), "--verify", data_dir=data.data_dir)
    assert out.returncode == 0, out.stderr
    assert "2 documents, 2 originals" in out.stdout and "verified" in out.stdout
    out = cli("restore", str(tmp_path / "bk"), data_dir=tmp_path / "restored")
    assert out.returncode == 0, out.stderr
    assert "built from the restored records on first use" in out.stdout  # the default engine's index
    out = cli("restore", str(tmp_path / "bk"), data_dir=tmp_path / "restored")
    assert out.returncode == 1 and "already holds records" in out.stderr
