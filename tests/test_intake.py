"""One intake path (ingest.intake.admit) for `donthu ingest`, `donthu submit`, the API upload and the web
upload: format judged from content, size and page limits, the SHA-256 duplicate rule with one rule for
earlier failures (queued again), batch items and dossiers; folder ingest leaves the data folder out.

Inputs are generated letters (corpus generator) as scans and born-digital PDFs, and real non-scan files
(random bytes, an empty file, a Word-like zip).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from donthu.config import Settings
from donthu.types import TooLarge, UnsupportedFile
from scans import make_scan
from tests.accounts import logged_in

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=1)


@pytest.fixture
def store(settings: Settings):
    from records.store import Store

    s = Store(settings)
    yield s
    s.close()


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("letters")
    out = {}
    for name, family, seed, fmt, pages in [("don.pdf", "complaint_letter", 5, "digital", 1),
                                           ("ruling.tiff", "land_dispute_ruling", 6, "tiff", 2),
                                           ("anh.png", "denunciation_letter", 7, "png", 1)]:
        make_scan(tmp / name, family=family, seed=seed, fmt=fmt, dpi=150, max_pages=pages)
        out[name] = (tmp / name).read_bytes()
    return out


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_refusals_store_nothing_and_say_why(store, settings, letters) -> None:
    from ingest.intake import EmptyFile, admit

    cases = [
        (b"", EmptyFile, "empty"),
        (os.urandom(4096), UnsupportedFile, ""),
        (_docx(), UnsupportedFile, "Word"),
        (letters["don.pdf"][: len(letters["don.pdf"]) // 3], UnsupportedFile, "PDF"),
    ]
    for data, kind, words in cases:
        got = admit(store, data, "x", settings)
        assert got.action == "refused" and isinstance(got.error, kind), (got, words)
        assert words in got.reason
    small = replace(settings, max_file_bytes=len(letters["don.pdf"]) - 1)
    got = admit(store, letters["don.pdf"], "don.pdf", small)
    assert got.action == "refused" and isinstance(got.error, TooLarge) and "too large" in got.reason
    one_page = replace(settings, max_pages=1)
    got = admit(store, letters["ruling.tiff"], "ruling.tiff", one_page)  # two pages
    assert got.action == "refused" and isinstance(got.error, TooLarge) and "too many pages (2, limit 1)" in got.reason
    assert store.count_documents() == 0
    assert not any(p.is_file() for p in settings.originals_dir.rglob("*"))


def test_new_duplicate_failed_and_pending(store, settings, letters) -> None:
    from ingest.intake import admit

    made: list[str] = []

    def dossier() -> int:
        made.append("x")
        return store.find_or_create_dossier("Hồ sơ ông Tám")

    first = admit(store, letters["ruling.tiff"], "ruling.tiff", settings, dossier=dossier)
    assert (first.action, first.mime, first.pages, first.to_run) == ("new", "image/tiff", 2, True)
    info = store.get(first.document_id)
    assert info.status == "queued" and info.dossier_id is not None and made == ["x"]
    assert store.read_original(first.sha256) == letters["ruling.tiff"]
    # still queued (an interrupted run, or another upload's): pending, not run twice by an upload
    again = admit(store, letters["ruling.tiff"], "copy.tiff", settings, dossier=dossier)
    assert (again.action, again.document_id, again.to_run) == ("pending", first.document_id, False)
    assert made == ["x"]  # no dossier for a file already stored
    # failed before: queued again, the same document
    store.mark_failed(first.document_id, "the worker process died")
    retry = admit(store, letters["ruling.tiff"], "ruling.tiff", settings)
    assert (retry.action, retry.document_id, retry.earlier_status, retry.to_run) == (
        "retry", first.document_id, "failed", True)
    # done: a duplicate, nothing runs
    store.claim(first.document_id)
    from donthu.schema import Record

    store.save_result(first.document_id, Record(file="ruling.tiff", sha256=first.sha256, mime="image/tiff"), [])
    done = admit(store, letters["ruling.tiff"], "other-name.tiff", settings)
    assert (done.action, done.document_id, done.reason, done.to_run) == (
        "duplicate", first.document_id, "already ingested", False)
    assert store.count_documents() == 1


def test_batch_items_record_every_outcome(store, settings, letters) -> None:
    from ingest.intake import admit

    batch = store.create_batch("Tiếp nhận 07/12/2026")
    seen: dict[str, str] = {}
    a = admit(store, letters["anh.png"], "anh.png", settings, batch_id=batch, seen=seen)
    b = admit(store, letters["anh.png"], "anh-copy.png", settings, batch_id=batch, seen=seen)
    c = admit(store, b"not a scan at all", "ghi-chu.txt", settings, batch_id=batch, seen=seen)
    assert (a.action, b.action, c.action) == ("new", "duplicate", "refused")
    items = {i.file: i for i in store.batch_items(batch)}
    assert items["anh.png"].outcome == "queued" and items["anh.png"].document_id == a.document_id
    assert items["anh-copy.png"].outcome == "skipped" and items["anh-copy.png"].error == "same content as anh.png"
    assert items["ghi-chu.txt"].outcome == "failed" and items["ghi-chu.txt"].error == c.reason


def test_api_upload_follows_the_same_rules(settings, letters) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from records.store import Store

    submitted: list[int] = []
    with TestClient(create_app(settings, submit=submitted.append)) as client:
        logged_in(client)
        def upload(data: bytes, name: str):
            return client.post("/documents", files={"file": (name, data, "application/octet-stream")})

        first = upload(letters["don.pdf"], "don.pdf")
        assert first.status_code == 202 and first.json()["duplicate"] is False
        doc_id = first.json()["id"]
        assert submitted == [doc_id]
        pending = upload(letters["don.pdf"], "don.pdf").json()
        assert (pending["id"], pending["status"], pending["duplicate"]) == (doc_id, "queued", True)
        assert submitted == [doc_id]  # not handed to the workers twice
        store = Store(settings)
        store.mark_failed(doc_id, "could not read page 1")
        store.close()
        retried = upload(letters["don.pdf"], "don.pdf").json()
        assert (retried["id"], retried["status"], retried["duplicate"]) == (doc_id, "queued", True)
        assert submitted == [doc_id, doc_id]  # an earlier failure is tried again, as `donthu ingest` does
        assert upload(b"", "empty.pdf").status_code == 400
        assert upload(_docx(), "don.docx").status_code == 415
        two_pages = upload(letters["ruling.tiff"], "ruling.tiff")
        assert two_pages.status_code == 202
    with TestClient(create_app(replace(settings, max_pages=1), submit=submitted.append)) as client:
        logged_in(client)
        r = client.post("/documents", files={"file": ("anh.png", letters["anh.png"], "image/png")})
        assert r.status_code == 202  # one page is within the limit
        big = make_scan_bytes(letters)
        r = client.post("/documents", files={"file": ("ruling-2.tiff", big, "image/tiff")})
        assert r.status_code == 413 and "too many pages" in r.json()["detail"]


def make_scan_bytes(letters: dict[str, bytes]) -> bytes:
    """Another two-page TIFF (a new SHA-256): the ruling with one more metadata byte in its description."""
    from PIL import Image

    frames = []
    with Image.open(io.BytesIO(letters["ruling.tiff"])) as im:
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(im.copy())
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], description="bản sao")
    return out.getvalue()


def test_walk_leaves_the_data_folder_out(tmp_path: Path) -> None:
    from ingest.sources import walk

    (tmp_path / "ho-so").mkdir()
    (tmp_path / "ho-so" / "don.pdf").write_bytes(b"%PDF-")
    data = tmp_path / "donthu-data"
    (data / "originals" / "ab").mkdir(parents=True)
    (data / "donthu.sqlite").write_bytes(b"SQLite format 3\x00")
    (data / "originals" / "ab" / "cdef").write_bytes(b"%PDF-")
    excluded: list[Path] = []
    found = walk([tmp_path], exclude=[data], excluded=excluded)
    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == ["ho-so/don.pdf"]
    assert excluded == [data]
    excluded.clear()
    assert walk([data / "originals"], exclude=[data], excluded=excluded) == []  # given inside it: left out too
    assert excluded == [data / "originals"]


def test_ingest_dot_with_the_default_data_folder_inside(tmp_path: Path) -> None:
    """`donthu ingest .` in a folder holding ./donthu-data (the default): its own database, index and
    originals are not input, and the command says it left the folder out."""
    make_scan(tmp_path / "don-khieu-nai.pdf", family="complaint_letter", seed=8, fmt="digital")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DONTHU_")}
    env.update(PYTHONPATH=str(REPO), DONTHU_WORKERS="1")

    def ingest() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli", "ingest", ".", "--quiet"], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=600)

    first = ingest()
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 done, 0 skipped, 0 failed" in first.stdout, first.stdout
    assert (tmp_path / "donthu-data" / "donthu.sqlite").is_file()
    again = ingest()  # the data folder now holds the database, the index and an original
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 done, 1 skipped, 0 failed" in again.stdout, again.stdout
    assert "skipped  donthu-data: the data folder" in again.stdout, again.stdout
    assert "sqlite" not in again.stdout.replace("donthu-data: the data folder (records, index, originals)", "")
