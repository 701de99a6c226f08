"""The system of record, on SQLite (tmp_path) and on PostgreSQL (a fresh schema per test on 127.0.0.1:5432)."""

from __future__ import annotations

import hashlib
import multiprocessing
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from donthu.config import Settings
from donthu.schema import PageText, Parcel, Party, Record, Reference
from donthu.types import PageResult, Word
from records import tables
from records.store import Store

from conftest import postgres_schema

LETTER = "Kính gửi: Ủy ban nhân dân huyện Chợ Mới. Tôi tên là Nguyễn Thị Hồng, khiếu nại quyết định thu hồi đất."


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    base = Settings(data_dir=tmp_path / "data", workers=1)
    if request.param == "sqlite":
        yield base
        return
    # a missing PostgreSQL fails with what to start (tests/conftest.py), it never skips
    with postgres_schema() as url:
        yield Settings(data_dir=tmp_path / "data", workers=1, database_url=url)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    s = Store(settings)
    yield s
    s.close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(sha: str, page_text: str = LETTER) -> Record:
    return Record(
        file="don-khieu-nai.png",
        sha256=sha,
        mime="image/png",
        pages=[PageText(number=1, source="ocr", confidence=88.5, text=page_text)],
        text=page_text,
        kind="petition",
        type="complaint",
        type_confidence=0.9,
        type_evidence=["khiếu nại quyết định"],
        parties=[Party(name="Nguyễn Thị Hồng", role="complainant", id_number="089123456789", address="ấp Long Hòa")],
        parcels=[
            Parcel(parcel_no="123", map_sheet="15", area_m2=1234.5, land_use="ONT", commune="Long Điền A",
                   district="Chợ Mới", province="An Giang")
        ],
        references=[Reference(number="123/QĐ-UBND", date="2021-03-05", issuer="UBND huyện Chợ Mới")],
        date="2021-04-01",
    )


def _pages(page_text: str = LETTER) -> list[PageResult]:
    words = [
        Word(text=w, left=10 + 60 * i, top=20, width=50, height=18, confidence=90.0, line=0)
        for i, w in enumerate(page_text.split()[:6])
    ]
    return [
        PageResult(number=1, source="ocr", text=page_text, confidence=88.5, words=words, width=1654, height=2339,
                   notes=["deskewed 1.2°"])
    ]


def _new_doc(store: Store, data: bytes = b"scan bytes", file: str = "don.png") -> int:
    sha = store.put_original(data)
    return store.add_document(file, sha, len(data), mime="image/png")


def _count(store: Store, table, document_id: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(table).where(table.c.document_id == document_id)
        ).scalar_one()


def test_originals_stored_once_by_sha(store: Store, settings: Settings) -> None:
    data = b"%PDF-1.4 fake original"
    sha = store.put_original(data)
    assert sha == _sha(data)
    assert store.put_original(data) == sha
    path = store.blobs.path(sha)
    assert path == settings.originals_dir / sha[:2] / sha[2:]
    assert store.read_original(sha) == data
    assert [p for p in path.parent.iterdir()] == [path]  # no temporary files left behind
    with pytest.raises(ValueError):
        store.blobs.path("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.read_original(_sha(b"never stored"))


def test_add_document_dedupes_by_sha(store: Store) -> None:
    first = _new_doc(store)
    again = _new_doc(store, file="copy-of-don.png")
    assert again == first
    info = store.find_by_sha(_sha(b"scan bytes"))
    assert info is not None and info.id == first and info.file == "don.png" and info.status == "queued"
    assert store.find_by_sha(_sha(b"other")) is None
    assert store.get(999_999) is None


def test_round_trip_keeps_vietnamese_nfc(store: Store) -> None:
    doc = _new_doc(store)
    assert store.claim(doc)
    store.set_progress(doc, 0, 1)
    assert store.get(doc).status == "processing"
    decomposed = unicodedata.normalize("NFD", LETTER)
    assert decomposed != LETTER
    store.save_result(doc, _record(_sha(b"scan bytes")), _pages(decomposed))

    info = store.get(doc)
    assert info.status == "done" and info.error is None
    assert (info.pages_done, info.pages_total) == (1, 1)
    assert info.kind == "petition" and info.type == "complaint" and info.doc_date == "2021-04-01"
    assert info.created_at.tzinfo is not None
    record = info.record
    assert record is not None
    assert record.pages[0].text == LETTER
    assert record.parties[0].name == "Nguyễn Thị Hồng"
    assert record.parcels[0].area_m2 == 1234.5 and record.parcels[0].district == "Chợ Mới"
    assert record.references[0].number == "123/QĐ-UBND"

    page = store.page(doc, 1)
    assert page.text == LETTER  # NFD in, NFC stored
    assert unicodedata.is_normalized("NFC", page.text)
    assert (page.width, page.height, page.notes) == (1654, 2339, ["deskewed 1.2°"])
    words = store.page_words(doc, 1)
    assert [w.text for w in words] == LETTER.split()[:6]
    assert words[1].left == 70 and words[1].confidence == 90.0
    assert store.page(doc, 2) is None and store.page_words(doc, 2) == []

    listed = store.list_documents(status="done")
    assert [d.id for d in listed] == [doc] and listed[0].record is None
    assert store.list_documents(status="done", with_records=True)[0].record == record
    assert store.list_documents(status="queued") == []
    assert store.count_documents() == 1


def test_save_result_twice_does_not_duplicate(store: Store) -> None:
    doc = _new_doc(store)
    store.claim(doc)
    record = _record(_sha(b"scan bytes"))
    store.save_result(doc, record, _pages())
    store.claim(doc)  # done: refused, but saving again must stay idempotent
    store.save_result(doc, record, _pages())
    assert _count(store, tables.pages, doc) == 1
    assert _count(store, tables.words, doc) == 6
    assert _count(store, tables.parties, doc) == 1
    assert _count(store, tables.parcels, doc) == 1
    assert _count(store, tables.doc_references, doc) == 1


def test_claim_states(store: Store) -> None:
    doc = _new_doc(store)
    assert store.pending_ids() == [doc]
    assert store.claim(doc) is True
    assert store.get(doc).attempts == 1
    assert store.pending_ids() == [doc]  # processing: resumable
    store.mark_failed(doc, "Tệp PDF có mật khẩu, không đọc được.")
    info = store.get(doc)
    assert info.status == "failed" and info.error == "Tệp PDF có mật khẩu, không đọc được."
    assert store.pending_ids() == []
    assert store.claim(doc) is True  # a failed document can be retried
    assert store.get(doc).error is None
    store.save_result(doc, _record(_sha(b"scan bytes")), _pages())
    assert store.claim(doc) is False  # done
    assert store.claim(424242) is False  # missing


def _claim_in_child(settings: Settings, doc: int, barrier, results) -> None:
    store = Store(settings)
    barrier.wait()
    results.put(store.claim(doc))
    barrier.wait()  # stay alive (a live worker) until every process has tried
    store.close()


def _claim_and_exit(settings: Settings, doc: int, results) -> None:
    store = Store(settings)
    results.put(store.claim(doc))
    store.close()


def _open_in_child(settings: Settings, barrier, results) -> None:
    barrier.wait()
    store = Store(settings)
    results.put(store.ping())
    store.close()


def test_processes_open_a_new_store_at_once(settings: Settings) -> None:
    ctx = multiprocessing.get_context("fork")
    n = 4
    barrier, results = ctx.Barrier(n), ctx.Queue()
    procs = [ctx.Process(target=_open_in_child, args=(settings, barrier, results)) for _ in range(n)]
    for p in procs:
        p.start()
    assert [results.get(timeout=30) for _ in range(n)] == [True] * n
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0


def test_concurrent_claims_only_one_wins(store: Store, settings: Settings) -> None:
    ctx = multiprocessing.get_context("fork")
    docs = [_new_doc(store, data=f"scan {i}".encode()) for i in range(2)]
    store.close()  # no inherited connections in the children
    for doc in docs:
        n = 4
        barrier, results = ctx.Barrier(n), ctx.Queue()
        procs = [ctx.Process(target=_claim_in_child, args=(settings, doc, barrier, results)) for _ in range(n)]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=30) for _ in range(n)]
        for p in procs:
            p.join(timeout=30)
            assert p.exitcode == 0
        assert sorted(outcomes) == [False, False, False, True]


def test_claim_taken_over_only_from_a_dead_worker(store: Store, settings: Settings) -> None:
    ctx = multiprocessing.get_context("fork")
    doc = _new_doc(store)
    store.close()
    results = ctx.Queue()
    child = ctx.Process(target=_claim_and_exit, args=(settings, doc, results))
    child.start()
    assert results.get(timeout=30) is True
    child.join(timeout=30)
    # the worker that claimed it is gone (interrupted run): this process resumes it
    assert store.claim(doc) is True
    # while this process is alive, another one cannot take it
    child = ctx.Process(target=_claim_and_exit, args=(settings, doc, results))
    child.start()
    assert results.get(timeout=30) is False
    child.join(timeout=30)
    # an explicit zero lease takes over any claim
    assert store.claim(doc, stale_after=0) is True


def test_batch_summary(store: Store) -> None:
    batch = store.create_batch("Hồ sơ xã Long Điền A")
    ok, bad, pending = (_new_doc(store, data=f"file {i}".encode(), file=f"f{i}.png") for i in range(3))
    store.add_batch_item(batch, "f0.png", ok, "queued")
    store.add_batch_item(batch, "f1.png", bad, "queued")
    store.add_batch_item(batch, "f2.png", pending, "queued")
    item = store.add_batch_item(batch, "broken.pdf", None, "failed", "Tệp bị hỏng (không phải PDF hợp lệ).")
    store.add_batch_item(batch, "old-copy.png", ok, "skipped")
    store.claim(ok)
    store.save_result(ok, _record(_sha(b"file 0")), _pages())
    store.claim(bad)
    store.set_progress(bad, 1, 3)
    store.mark_failed(bad, "Trang 2: ảnh quá lớn.")
    store.claim(pending)
    store.set_progress(pending, 2, 5)

    summary = store.batch_summary(batch)
    assert summary.label == "Hồ sơ xã Long Điền A"
    assert summary.total == 5
    assert summary.counts == {"done": 1, "skipped": 1, "failed": 2, "queued": 1}
    assert {(f.file, f.error) for f in summary.failed} == {
        ("f1.png", "Trang 2: ảnh quá lớn."),
        ("broken.pdf", "Tệp bị hỏng (không phải PDF hợp lệ)."),
    }
    assert (summary.pages_done, summary.pages_total) == (1 + 1 + 2, 1 + 3 + 5)

    # re-running the batch updates items instead of adding rows
    assert store.add_batch_item(batch, "broken.pdf", None, "failed", "Tệp bị hỏng.") == item
    store.add_batch_item(batch, "broken.pdf", None, "skipped", "đã có")
    assert store.update_batch_item(batch, bad, "done") == 1  # the runner's view, e.g. after a retry
    assert store.update_batch_item(batch, ok, "done") == 1  # the skipped copy of ok stays skipped
    summary = store.batch_summary(batch)
    assert summary.total == 5 and summary.counts["skipped"] == 2 and len(summary.failed) == 1
    items = {i.file: i for i in store.batch_items(batch)}
    assert items["f1.png"].outcome == "done" and items["f1.png"].effective_outcome == "failed"
    assert items["old-copy.png"].outcome == "skipped"
    assert {d.id for d in store.list_documents(batch_id=batch)} == {ok, bad, pending}
    with pytest.raises(ValueError):
        store.add_batch_item(batch, "x", None, "exploded")
    with pytest.raises(KeyError):
        store.batch_summary(987654)


def test_dossiers(store: Store) -> None:
    dossier = store.create_dossier("Tranh chấp thửa 123", "/archive/2021/123")
    assert store.find_or_create_dossier("Tranh chấp thửa 123", "/archive/2021/123") == dossier
    other = store.find_or_create_dossier("Khiếu nại bồi thường")
    assert other != dossier
    sha = store.put_original(b"dossier file")
    doc = store.add_document("a.png", sha, 12, dossier_id=dossier)
    assert store.get(doc).dossier_id == dossier
    assert store.find_batch("nope") is None
    batch = store.create_batch("lô 1")
    assert store.find_batch("lô 1") == batch
    assert store.ping() is True


def test_low_confidence_pages_and_shared_documents(store: Store) -> None:
    a, b, c = (_new_doc(store, data=f"doc {i}".encode(), file=f"d{i}.png") for i in range(3))
    record = _record(_sha(b"doc 0"))
    store.save_result(a, record, _pages())
    other = record.model_copy(update={"parcels": [], "sha256": _sha(b"doc 1")})
    blurry = _pages()
    blurry[0].confidence = 41.0
    store.save_result(b, other, blurry)
    unrelated = record.model_copy(update={
        "parties": [Party(name="Trần Văn Út", role="disputant")],
        "parcels": [Parcel(parcel_no="123", map_sheet="15", commune="Long Điền A")],
        "sha256": _sha(b"doc 2"),
    })
    store.save_result(c, unrelated, _pages())

    low = store.low_confidence_pages(60)
    assert [(p.document_id, p.number, p.confidence) for p in low] == [(b, 1, 41.0)]
    shared = store.documents_sharing(a)
    assert [(d.document_id, d.shared) for d in shared] == [
        (b, ["party: Nguyễn Thị Hồng"]),
        (c, ["parcel: 123/15 Long Điền A"]),
    ]
    assert store.documents_sharing(c)[0].document_id == a


def test_parcel_area_as_written_is_stored_in_its_columns(store: Store) -> None:
    """`3 công` has no m² (its size varies by place): the count and unit are kept (migration 0008)."""
    parcel_table = tables.parcels
    doc = _new_doc(store, b"cong scan")
    assert store.claim(doc)
    record = _record(_sha(b"cong scan")).model_copy(update={"parcels": [
        Parcel(parcel_no="245", map_sheet="12", area_text="3 công", area_value=3.0, area_unit="công"),
        Parcel(parcel_no="17", map_sheet="9", area_m2=1000.0, area_text="2 sào", area_value=2.0, area_unit="sào"),
    ]})
    store.save_result(doc, record, _pages())
    with store.engine.connect() as conn:
        rows = conn.execute(select(parcel_table.c.parcel_no, parcel_table.c.area_m2, parcel_table.c.area_text,
                                   parcel_table.c.area_value, parcel_table.c.area_unit)
                            .where(parcel_table.c.document_id == doc).order_by(parcel_table.c.id)).all()
    assert [tuple(r) for r in rows] == [("245", None, "3 công", 3.0, "công"), ("17", 1000.0, "2 sào", 2.0, "sào")]
    shown = store.get(doc).record.parcels
    assert [(p.area_text, p.area_value, p.area_unit, p.area_m2) for p in shown] == [
        ("3 công", 3.0, "công", None), ("2 sào", 2.0, "sào", 1000.0)]
