"""Handwriting goes to people: real handwritten pages are flagged (page and record, in the JSON), real and
generated printed pages never are; a flagged page is listed in the review queue as "cần nhập tay"; text a
clerk types for it is understood (type, parties, parcels, date) and found by search like OCR text, marked as
typed by whom, with the OCR text kept.

Real pages come from ../shared/real-scans (relative to the repository root); they must be there.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from conftest import require_real_scans
from corpus import degrade, render
from donthu.config import Settings
from ingest.tasks import run_document
from records.migrations import HEAD_REVISION, current, upgrade
from records.typed import pages_to_type, typed_for
from tests.accounts import logged_in

HANDWRITTEN = ("handwritten_grid.jpg", "handwritten_notebook.jpg")
#: every other real page is printed (some with handwritten fill-ins: a number and a date)
PRINTED = (
    "congvan_chatapp70_p1.jpg", "congvan_colour200_p1.jpg", "congvan_colour200_p2.jpg",
    "congvan_colour300_showthrough_p2.jpg", "congvan_fax200_p1.png", "congvan_fax200_p2.png",
    "contract_page_3.jpg", "contract_page_4.jpg", "contract_page_5.jpg", "phone_congvan_header.jpg",
    "phone_landcert_2006.jpg", "phone_landcert_diagram.jpg", "phone_nghidinh_p1.jpg",
    "scan95_bleedthrough_congvan.png",
)

#: what the clerk types for the handwritten page (a land-dispute letter); the expectations below were read
#: from this text by hand
TYPED_LETTER = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN ĐỀ NGHỊ GIẢI QUYẾT TRANH CHẤP ĐẤT ĐAI
Kính gửi: Ủy ban nhân dân xã Hòa Bình, huyện Chợ Mới, tỉnh An Giang
Tôi tên là Phạm Văn Hùng, sinh năm 1962, ngụ tại ấp Hòa Thạnh, xã Hòa Bình, huyện Chợ Mới.
Gia đình tôi sử dụng thửa đất số 215, tờ bản đồ số 7, diện tích 1.250 m², đất trồng lúa, từ năm 1990.
Năm 2023 ông Lê Văn Tư là chủ thửa đất liền kề tự ý đào mương, lấn chiếm khoảng 80 m² phần đất của gia đình tôi.
Hai bên đã hòa giải tại Ủy ban nhân dân xã nhưng không thành.
Nay tôi làm đơn này đề nghị Ủy ban nhân dân xã giải quyết tranh chấp quyền sử dụng đất giữa tôi và ông Lê Văn Tư.
Hòa Bình, ngày 12 tháng 8 năm 2024
Người làm đơn
Phạm Văn Hùng"""
CLERK = "officer"  # the logged-in user (tests/accounts.py): the typist is who is logged in


def _real(name: str) -> bytes:
    path = require_real_scans() / name
    assert path.is_file(), f"real page missing: {path}"
    return path.read_bytes()


@pytest.fixture(scope="module")
def settings_plain() -> Settings:
    return Settings()


@pytest.mark.parametrize("name", HANDWRITTEN)
def test_real_handwritten_page_is_flagged_on_page_and_record(name, real_readings) -> None:
    result = real_readings[name]
    data = json.loads(result.record.model_dump_json())  # what `donthu process --json` prints
    assert data["handwritten"] is True
    assert [p["handwritten"] for p in data["pages"]] == [True]
    assert any(n.startswith("handwritten:") for n in result.pages[0].notes)


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINTED)
def test_real_printed_page_is_not_flagged(name, real_readings) -> None:
    result = real_readings[name]
    assert result.record.handwritten is False
    assert not any(p.handwritten for p in result.record.pages)


@pytest.mark.parametrize("level", degrade.ALL_LEVELS)
def test_generated_printed_page_is_not_flagged_at_any_level(level, settings_plain) -> None:
    """One generated printed page per degradation and capture level (corpus/degrade.py), with a signature and a
    stamp; on the capture levels the number and the date are written in by hand, as in the corpus."""
    from donthu.types import PageImage
    from ingest.pipeline import read_page

    rendered, layout = render.render_with_layout(render.sample_doc(paragraphs=6), font="termes", dpi=200,
                                                 rng=random.Random(3))
    fill_ins = render.fill_in_boxes(layout, 0) if level in degrade.CAPTURE_LEVELS else None
    assert level not in degrade.CAPTURE_LEVELS or fill_ins, "the sample letter has a number and a date"
    image = degrade.degrade_page(rendered.pages[0], level, np.random.default_rng(7), dpi=200,
                                 signature=True, stamp=True, fill_ins=fill_ins)
    result = read_page(PageImage(number=1, source="ocr", image=image, dpi=200), settings_plain)
    assert result.error is None and result.words
    assert result.handwritten is False


# ---------------------------------------------------------------------------- review queue and typing
@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Iterator[tuple[TestClient, int, Settings]]:
    """A store built by the migrations (head), the real handwritten notebook page ingested through the real
    pipeline (OCR, flag, save, SQLite FTS5 index), and the app on it."""
    data_dir = tmp_path_factory.mktemp("handwriting") / "data"
    settings = Settings(data_dir=data_dir, workers=1)
    upgrade(settings)
    assert current(settings) == HEAD_REVISION
    with TestClient(create_app(settings, submit=lambda _id: None)) as client:
        logged_in(client)
        store = client.app.state.services.store
        data = _real("handwritten_notebook.jpg")
        sha = store.put_original(data)
        doc_id = store.add_document("handwritten_notebook.jpg", sha, len(data), mime="image/jpeg")
        assert run_document(doc_id, settings) == "done"
        yield client, doc_id, settings


def _waits_in_the_review_queue(stored) -> None:
    client, doc_id, _ = stored
    store = client.app.state.services.store
    assert [(p.document_id, p.number) for p in pages_to_type(store)] == [(doc_id, 1)]
    assert store.page(doc_id, 1).handwritten is True
    page = client.get("/luu-tru")
    assert page.status_code == 200
    queue = page.text.split("Cần nhập tay", 1)[1].split("</ul>", 1)[0]
    assert f'href="/nhap-tay/{doc_id}/1"' in queue and "handwritten_notebook.jpg" in queue
    form = client.get(f"/nhap-tay/{doc_id}/1")
    assert form.status_code == 200
    assert f'src="/documents/{doc_id}/pages/1/image"' in form.text
    assert '<textarea id="typed-text" name="text"' in form.text
    api = client.get(f"/documents/{doc_id}").json()["record"]
    assert api["handwritten"] is True and api["pages"][0]["handwritten"] is True
    assert api["pages"][0]["source"] == "ocr"


def _typed_text_is_understood_indexed_and_marked(stored) -> None:
    client, doc_id, settings = stored
    store = client.app.state.services.store
    before = client.get(f"/documents/{doc_id}").json()["record"]
    ocr_text = before["pages"][0]["text"]
    assert "Lê Văn Tư" not in before["text"] and before["type"] != "land_dispute"
    assert client.get("/search", params={"q": "le van tu"}).json()["total"] == 0

    answer = client.post(f"/nhap-tay/{doc_id}/1", data={"text": TYPED_LETTER, "who": CLERK},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/van-ban/{doc_id}?page=1"

    record = client.get(f"/documents/{doc_id}").json()["record"]
    page = record["pages"][0]
    assert page["source"] == "typed" and page["typed_by"] == CLERK and page["typed_at"]
    assert page["text"] == TYPED_LETTER and page["ocr_text"] == ocr_text
    assert record["handwritten"] is True
    # understanding re-derived from the typed text (expectations read from TYPED_LETTER by hand)
    assert record["kind"] == "petition" and record["type"] == "land_dispute"
    assert {(p["name"], p["role"]) for p in record["parties"]} == {
        ("Phạm Văn Hùng", "disputant"), ("Lê Văn Tư", "disputant")}
    assert [(p["parcel_no"], p["map_sheet"], p["area_m2"]) for p in record["parcels"]] == [("215", "7", 1250.0)]
    assert record["date"] == "2024-08-12"
    # derived rows follow: the type filter of lists and the review queue
    assert store.get(doc_id).type == "land_dispute"
    assert pages_to_type(store) == []
    queue = client.get("/luu-tru").text.split("Cần nhập tay", 1)[1].split("</h3>", 2)[1]
    assert "Không có trang viết tay nào chờ nhập." in queue and f"/nhap-tay/{doc_id}/1" not in queue
    # search (the real SQLite FTS5 index) finds the document by typed words, without diacritics too
    for query in ("lấn chiếm", "le van tu", "Phạm Văn Hùng"):
        hits = client.get("/search", params={"q": query}).json()
        assert [h["doc_id"] for h in hits["hits"]] == [doc_id], query
    hits = client.get("/search", params={"q": "đào mương", "type": "land_dispute"}).json()
    assert [h["doc_id"] for h in hits["hits"]] == [doc_id]
    # the document view says who typed it and keeps the OCR text
    view = client.get(f"/van-ban/{doc_id}?page=1").text
    assert f"nhập tay bởi {CLERK}" in view and "chữ viết tay" in view
    assert "Chữ máy nhận dạng được" in view
    stored_items = typed_for(store, doc_id)
    assert [(t.page_number, t.who) for t in stored_items] == [(1, CLERK)]


def test_handwritten_page_is_queued_typed_understood_found_and_read_everywhere(stored) -> None:
    """One flow, in order (tests run shuffled): the queue, typing, then every reader."""
    _waits_in_the_review_queue(stored)
    _typed_text_is_understood_indexed_and_marked(stored)
    _typed_text_reaches_every_reader_and_survives_processing_again(stored)


def test_typing_needs_a_name_and_text(stored) -> None:
    client, doc_id, _ = stored
    for data in ({"text": "  ", "who": "Someone Else"}, {"text": ""}):  # a typed name is ignored
        answer = client.post(f"/nhap-tay/{doc_id}/1", data=data, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/nhap-tay/{doc_id}/1"
    api = client.post(f"/documents/{doc_id}/pages/9/typed", json={"text": "x", "who": CLERK})
    assert api.status_code == 422 and re.search("không có trang 9", api.text)


def _typed_text_reaches_every_reader_and_survives_processing_again(stored) -> None:
    """After the typing test: the read path (records.read) gives the typed page to `donthu show`, to
    `donthu reindex`'s documents, and a document saved again keeps the typed understanding in its rows."""
    import subprocess
    import sys

    from ingest.indexing import stored_index_documents
    from records.read import read_document

    client, doc_id, settings = stored
    store = client.app.state.services.store
    assert typed_for(store, doc_id), "runs after _typed_text_is_understood_indexed_and_marked"
    shown = subprocess.run(
        [sys.executable, "-m", "cli", "--data-dir", str(settings.data_dir), "show", str(doc_id), "--json"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    )
    record = json.loads(shown.stdout)["record"]
    assert record["pages"][0]["source"] == "typed" and record["type"] == "land_dispute"
    index_docs = [d for batch in stored_index_documents(store) for d in batch if d.doc_id == doc_id]
    assert "Lê Văn Tư" in index_docs[0].pages[0].text and index_docs[0].type == "land_dispute"
    # processed again: the stored extraction (OCR text) is saved anew; the rows follow the typed text
    raw = store.get(doc_id).record
    assert raw.pages[0].source == "ocr" and raw.type != "land_dispute"
    store.save_result(doc_id, raw, [])
    assert store.get(doc_id).type == "land_dispute"
    assert {p.name for p in read_document(store, doc_id).record.parties} == {"Phạm Văn Hùng", "Lê Văn Tư"}
