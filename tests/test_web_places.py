"""The document page and the API show a place in both systems (as written, and the unit before or after
1 July 2025, or the candidates of a split commune), and the search page finds old and new letters by either
name. Records from the real understanding pipeline (letters of tests/test_search_places.py), stored and indexed
through the app's own services; nothing OCR'd."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_search_places import _text

from classify import analyse
from donthu.schema import PageText, Record, with_analysis


@pytest.fixture
def app_with_letters(tmp_path: Path):
    from fastapi.testclient import TestClient

    from accounts import logged_in
    from api.app import create_app
    from donthu.config import Settings
    from ingest.indexing import index_document

    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as client:
        logged_in(client)  # a handling officer of the whole tree (tests/accounts.py)
        services = app.state.services
        ids = {}
        for n in (1, 3, 6):
            text = _text(n)
            record = Record(file=f"don-{n}.pdf", sha256=str(n) * 64, mime="application/pdf", text=text,
                            pages=[PageText(number=1, source="text", confidence=None, text=text)])
            record = with_analysis(record, analyse(text))
            doc_id = services.store.add_document(record.file, record.sha256, 10, mime="application/pdf")
            services.store.save_result(doc_id, record, [])
            services.backend().index(index_document(doc_id, record))
            ids[n] = doc_id
        yield client, ids


def test_document_page_and_api_show_both_forms(app_with_letters) -> None:
    client, ids = app_with_letters
    old = client.get(f"/van-ban/{ids[1]}").text
    assert "xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang" in old  # as written
    assert "Từ 1/7/2025: <strong>xã Nhơn Mỹ, tỉnh An Giang</strong>" in old
    new = client.get(f"/van-ban/{ids[3]}").text
    assert "Trước 1/7/2025: xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang;" in new
    split = client.get(f"/van-ban/{ids[6]}").text
    assert "Xã cũ đã chia" in split and "<strong>xã Nhơn Hội, tỉnh An Giang</strong>" in split
    record = client.get(f"/documents/{ids[1]}").json()["record"]
    place = record["parcels"][0]["place"]
    assert (place["written"], place["old"]["district"], place["new"]["commune"]) == (
        "Mỹ Hội Đông, Chợ Mới, An Giang", "Chợ Mới", "Nhơn Mỹ")


def test_search_page_finds_old_and_new_letters_by_either_name(app_with_letters) -> None:
    client, ids = app_with_letters
    for q in ('"Nhơn Mỹ"', '"my hoi dong"'):
        page = client.get("/tra-cuu", params={"q": q}).text
        assert f"/van-ban/{ids[1]}?" in page and f"/van-ban/{ids[3]}?" in page, q
        assert f"/van-ban/{ids[6]}?" not in page
    api = client.get("/search", params={"q": "", "commune": "Nhơn Mỹ"}).json()
    assert {h["doc_id"] for h in api["hits"]} == {ids[1], ids[3]}
