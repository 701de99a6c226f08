"""Search across the 1 July 2025 reorganisation: letters written with old places (commune, district) and with
new ones (commune, province), run through the real understanding pipeline (classify.analyse, whose last
step resolves places with classify.gazetteer) and the real indexing (ingest.indexing.index_document), are
found by either name, in free text and in the commune / district filters, and the record JSON carries both
forms. SQLite and tantivy always; Elasticsearch when DONTHU_ES_URL is set (a fresh index, deleted afterwards)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from classify import analyse
from donthu.schema import Record, with_analysis
from ingest.indexing import index_document
from search.backend import SearchBackend, SearchQuery

LETTERS = {
    1: ("Chợ Mới, ngày 12 tháng 3 năm 2024", "ĐƠN KHIẾU NẠI",
        "Tôi tên là Nguyễn Văn An, sinh năm 1970, địa chỉ: ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang. "
        "Tôi khiếu nại Quyết định số 123/QĐ-UBND ngày 05/01/2024 về việc thu hồi thửa đất số 45, tờ bản đồ số 12, "
        "diện tích 1.234,5 m², tọa lạc tại xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang."),
    2: ("Chợ Mới, ngày 02 tháng 6 năm 2023", "ĐƠN TRÌNH BÀY",
        "Tôi tên là Lê Văn Cường, địa chỉ: ấp An Thái, xã Hòa An, huyện Chợ Mới, tỉnh An Giang. Tranh chấp "
        "thửa đất số 7, tờ bản đồ số 3, tọa lạc tại xã Hòa An, huyện Chợ Mới, tỉnh An Giang."),
    3: ("Nhơn Mỹ, ngày 15 tháng 9 năm 2025", "ĐƠN KIẾN NGHỊ",
        "Tôi tên là Trần Thị Bình, địa chỉ: ấp Long Hòa, xã Nhơn Mỹ, tỉnh An Giang. Thửa đất số 9, tờ bản đồ "
        "số 4, tọa lạc tại xã Nhơn Mỹ, tỉnh An Giang bị ngập do kênh bị bồi lấp."),
    4: ("Hội An, ngày 20 tháng 1 năm 2026", "ĐƠN KIẾN NGHỊ",
        "Tôi tên là Võ Văn Dũng, địa chỉ: ấp Thị 1, xã Hội An, tỉnh An Giang. Đường giao thông nông thôn "
        "qua thửa đất số 21, tờ bản đồ số 8, xã Hội An, tỉnh An Giang bị sạt lở."),
    5: ("Long Xuyên, ngày 08 tháng 8 năm 2022", "ĐƠN KHIẾU NẠI",
        "Tôi tên là Phạm Thị Em, địa chỉ: số 12 đường Trần Hưng Đạo, phường Mỹ Bình, thành phố Long Xuyên, "
        "tỉnh An Giang. Tôi khiếu nại việc thu hồi thửa đất số 3, tờ bản đồ số 1, phường Mỹ Bình, thành phố "
        "Long Xuyên."),
    6: ("An Phú, ngày 10 tháng 10 năm 2021", "ĐƠN KHIẾU NẠI",
        "Tôi tên là Huỳnh Văn Giàu, địa chỉ: ấp Phú Thạnh, xã Phú Hội, huyện An Phú, tỉnh An Giang. Tôi khiếu "
        "nại việc thu hồi thửa đất số 15, tờ bản đồ số 6, xã Phú Hội, huyện An Phú, tỉnh An Giang."),
}


def _text(doc_id: int) -> str:
    place_date, title, body = LETTERS[doc_id]
    return (f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n{place_date}\n\n{title}\n\n"
            f"Kính gửi: Ủy ban nhân dân\n\n{body}\n")


@pytest.fixture(scope="module")
def records() -> dict[int, Record]:
    out = {}
    for doc_id in LETTERS:
        text = _text(doc_id)
        base = Record(file=f"don-{doc_id}.pdf", sha256=f"{doc_id:064d}", mime="application/pdf", text=text)
        out[doc_id] = with_analysis(base, analyse(text))
    return out


def _sqlite(tmp: Path) -> Iterator[SearchBackend]:
    from search.sqlite_fts import SqliteFtsBackend

    backend = SqliteFtsBackend(tmp / "index.sqlite")
    yield backend
    backend.close()


def _tantivy(tmp: Path) -> Iterator[SearchBackend]:
    from search.tantivy_index import TantivyBackend

    backend = TantivyBackend(tmp / "tantivy")
    yield backend
    backend.close()


def _elastic() -> Iterator[SearchBackend]:
    url = os.environ.get("DONTHU_ES_URL")
    if not url:
        pytest.skip("Elasticsearch: no server can run on the build machine; set DONTHU_ES_URL to run it")
    from search.elastic import ElasticBackend

    backend = ElasticBackend(url, index=f"donthu-test-{uuid.uuid4().hex[:10]}", refresh=True)
    yield backend
    backend._es.indices.delete(index=backend.index_name, ignore_unavailable=True)
    backend.close()


@pytest.fixture(scope="module", params=["sqlite", "tantivy", "elasticsearch"])
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          records: dict[int, Record]) -> Iterator[SearchBackend]:
    tmp = tmp_path_factory.mktemp("places")
    gen = {"sqlite": _sqlite, "tantivy": _tantivy}.get(request.param, lambda _: _elastic())(tmp)
    backend = next(gen)
    backend.index_many([index_document(i, _with_page(r)) for i, r in records.items()])
    yield backend
    next(gen, None)


def _with_page(record: Record) -> Record:
    from donthu.schema import PageText

    return record.model_copy(update={"pages": [PageText(number=1, source="text", confidence=None,
                                                        text=record.text)]})


def found(index: SearchBackend, text: str = "", **filters) -> set[int]:
    return {h.doc_id for h in index.search(SearchQuery(text=text, limit=50, **filters)).hits}


# -- the records ------------------------------------------------------------------------------------------

def test_records_keep_the_place_as_written_and_both_units(records):
    parcel = records[1].parcels[0]
    assert (parcel.commune, parcel.district) == ("Mỹ Hội Đông", "Chợ Mới")
    assert parcel.place.status == "resolved" and parcel.place.era == "old"
    assert (parcel.place.old.commune, parcel.place.old.district, parcel.place.old.province_code) == (
        "Mỹ Hội Đông", "Chợ Mới", "89")
    assert (parcel.place.new.commune, parcel.place.new.province_code) == ("Nhơn Mỹ", "91")
    party = next(p for p in records[1].parties if p.address)
    assert party.place.written == party.address and party.place.new.commune == "Nhơn Mỹ"
    new = records[3].parcels[0].place
    assert (new.era, new.new.commune, new.old) == ("new", "Nhơn Mỹ", None)
    assert sorted(u.commune for u in new.formerly) == ["Long Giang", "Mỹ Hội Đông", "Nhơn Mỹ"]
    split = records[6].parcels[0].place
    assert split.status == "split" and split.new is None
    assert {c.new.commune for c in split.candidates} == {"An Phú", "Nhơn Hội"}
    shown = json.loads(records[1].model_dump_json())
    assert shown["parcels"][0]["place"]["new"]["commune"] == "Nhơn Mỹ"
    assert Record.model_validate(shown) == records[1]


# -- search -----------------------------------------------------------------------------------------------

def test_new_name_finds_old_and_new_letters(index):
    assert found(index, '"Nhơn Mỹ"') == {1, 3}
    assert found(index, '"nhon my"') == {1, 3}


def test_old_name_finds_old_and_new_letters(index):
    assert found(index, '"Mỹ Hội Đông"') == {1, 3}
    assert found(index, '"Hòa An"') == {2, 4}


def test_hoi_an_finds_the_communes_the_mapping_merged_into_it(index):
    # the new xã Hội An took in the old Hội An, Hòa Bình and Hòa An (Chợ Mới); Mỹ Hội Đông went to Nhơn Mỹ
    assert found(index, '"Hội An"') == {2, 4}


def test_filters_by_either_name(index):
    assert found(index, commune="Nhơn Mỹ") == {1, 3}
    assert found(index, commune="Mỹ Hội Đông") == {1, 3}
    assert found(index, commune="Hội An") == {2, 4}
    assert found(index, commune="Bình Đức") == set()
    assert found(index, commune="Long Xuyên") == {5}  # phường Mỹ Bình is now phường Long Xuyên
    assert found(index, district="Chợ Mới") == {1, 2, 3, 4}  # new letters: their communes were in Chợ Mới
    assert found(index, "thu hồi", commune="Nhơn Mỹ") == {1}


def test_a_split_commune_is_found_under_each_candidate(index):
    assert found(index, '"Nhơn Hội"') == {6}
    assert 6 in found(index, commune="Nhơn Hội") and 6 in found(index, commune="An Phú")


def test_place_only_hit_snippet_marks_the_name_and_page_hits_stay_as_before(index):
    results = index.search(SearchQuery(text='"Nhơn Mỹ"'))
    hits = {h.doc_id: h for h in results.hits}
    assert "<mark>" in hits[1].snippet and "Mỹ Hội Đông" in hits[1].snippet
    assert hits[3].matched_pages == [1] and hits[3].score >= hits[1].score
    assert results.facets["new_commune"].get("Nhơn Mỹ") == 2
    assert found(index, "ngập kênh") == {3}
