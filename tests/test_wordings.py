"""Understanding beyond the project's own templates (issue 14).

Floors on a regression set of the second template set (corpus/content/wordings.py, regression seed 1415 —
neither the blind seed 14014 nor the development seed 1407), scored against the generator's truth on the
exact text; and the wordings and OCR slips the extractor must read, with hand-checked expectations.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from classify import analyse
from classify.name_lexicon import repair_name
from corpus.content.wordings import generate_wordings
from corpus.exact import doc_text, score_docs

REGRESSION_SEED = 1415


@pytest.fixture(scope="module")
def regression():
    docs = generate_wordings(160, REGRESSION_SEED)
    return docs, score_docs(docs)


def test_regression_set_has_every_family_and_unit(regression):
    docs, _ = regression
    families = {d.family for d in docs}
    assert {"w_cong_van", "w_bao_cao", "w_to_trinh", "w_hop_dong", "w_phieu_chuyen_don"} <= families
    units = {p.get("area_unit") for d in docs for p in d.parcels}
    assert {"m²", "m2", "công", "sào"} <= units


def test_floors_on_the_second_template_set(regression):
    _, rep = regression
    assert rep.parties.name_role.scores.f1 >= 0.95
    assert rep.parcels.key.scores.f1 >= 0.97
    assert rep.parcels.fields["area_m2"].rate >= 0.97
    assert rep.references.number.scores.f1 >= 0.95
    assert rep.types.macro_f1 >= 0.97
    assert rep.kinds.accuracy >= 0.97
    assert rep.unknown_other.rate >= 0.95


def test_understanding_under_50_ms_a_page(regression):
    docs, _ = regression
    texts = [doc_text(d) for d in docs[:40]]
    analyse(texts[0])
    start = time.process_time()  # CPU time: the machine is shared, wall time measures the neighbours
    for t in texts:
        analyse(t)
    per_doc = (time.process_time() - start) / len(texts)
    assert per_doc < 0.050, per_doc  # every document here is one or two pages


# --- wordings, with hand-checked expectations ---------------------------------------------------------------

def parcels(text):
    return [(p.parcel_no, p.map_sheet, p.area_m2) for p in analyse(text).parcels]


@pytest.mark.parametrize("text, expected", [
    ("Gia đình tôi có phần đất có diện tích 2.610 m² thuộc thửa số 311, tờ bản đồ số 68, tại xã Mỹ Hiệp.",
     [("311", "68", 2610.0)]),
    ("Ủy ban thu hồi 817 m² đất (thửa 490, tờ 29) của tôi.", [("490", "29", 817.0)]),
    ("Tôi sử dụng diện tích 2,5 công tầm lớn (3.240 m²) đất thuộc thửa đất số 1138, tờ bản đồ số 24.",
     [("1138", "24", 3240.0)]),
    ("Tôi có 3 công đất ruộng thuộc thửa số 45, tờ bản đồ số 7.", [("45", "7", None)]),
    ("Các thửa từ số 28 đến số 31, tờ bản đồ số 55, tọa lạc tại ấp Phú Hạ.",
     [("28", "55", None), ("29", "55", None), ("30", "55", None), ("31", "55", None)]),
    ("thửa 616 (1.685,6 m²), thửa 619 (459,8 m²) và thửa 620 (0,25 ha), cùng tờ bản đồ số 34, tại xã Bình Mỹ.",
     [("616", "34", 1685.6), ("619", "34", 459.8), ("620", "34", 2500.0)]),
    ("cấp giấy chứng nhận cho số thửa: 914; số tờ bản đồ: 6; diện tích: 392m².", [("914", "6", 392.0)]),
])
def test_parcel_wordings(text, expected):
    assert parcels(text) == expected


def test_label_value_block_does_not_glue_the_next_label_to_the_name():
    text = ("HỢP ĐỒNG DỊCH VỤ\nSố: 12/HĐ\nBÊN A:\nTên đơn vị: Công ty TNHH Sao Mai\n"
            "Đại diện: Ông Kobayashi Taihei   Chức vụ: Tổng Giám đốc\nBÊN B:\n"
            "Họ và tên: NGUYỄN VĂN AN   Năm sinh: 1970\nCCCD số 089070001234 cấp ngày 12/3/2021 tại Bộ Công an\n")
    a = analyse(text)
    assert a.kind == "other" and a.type == "unknown"
    names = {p.name.casefold(): p.role for p in a.parties}
    assert names == {"kobayashi taihei": "related", "nguyễn văn an": "related"}


def test_an_official_letter_about_school_holidays_is_other_and_unknown():
    text = ("UBND TỈNH AN GIANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\nSố: 932/SGDĐT-VP\nV/v cho học sinh nghỉ học tránh bão\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Kính gửi: Các trường trung học phổ thông.\n"
            "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở đề nghị các trường cho học sinh nghỉ học.\n")
    a = analyse(text)
    assert (a.kind, a.type) == ("other", "unknown")
    assert [r.number for r in a.references] == ["932/SGDĐT-VP"]


def test_a_periodic_report_listing_letter_types_is_not_about_a_letter():
    text = ("BÁO CÁO\nKết quả công tác tiếp công dân quý I năm 2023\n"
            "Trong quý tiếp nhận 58 đơn các loại, trong đó có đơn khiếu nại, đơn tố cáo và đơn kiến nghị, phản ánh.\n")
    assert analyse(text).type == "unknown"


def test_a_forwarding_slip_is_typed_by_the_letter_it_forwards():
    text = ("BAN TIẾP CÔNG DÂN\nSố: 336/PC-BTCD\nPHIẾU CHUYỂN ĐƠN\nKính gửi: Ủy ban nhân dân xã Khánh Bình.\n"
            "Ban Tiếp công dân huyện An Phú nhận được đơn của bà Huỳnh Thị Nhung, 1957, tố cáo Võ Kim Bé "
            "(Trưởng Công an xã Khánh Bình) có hành vi nhận tiền khi làm hồ sơ cấp giấy chứng nhận cho thửa số 226, "
            "tờ bản đồ số 54.\nXét thấy nội dung đơn thuộc thẩm quyền giải quyết của quý cơ quan, nay chuyển đơn.\n")
    a = analyse(text)
    assert (a.kind, a.type) == ("other", "denunciation")
    assert {(p.name, p.role) for p in a.parties} == {("Huỳnh Thị Nhung", "denouncer"), ("Võ Kim Bé", "subject")}


@pytest.mark.parametrize("text, number", [
    ("Căn cứ Kế hoạch số 2211 ï UBND-KT;", "2211/UBND-KT"),
    ("Số: !903/TTr-UBND", "1903/TTr-UBND"),
    ("Số:1720TT-UBND", "1720/TTr-UBND"),
    ("Số: 1194/HĐĐĐKT", "1194/HĐKT"),
    ("Căn cứ Quyết định 290 / QĐ-UBND ngày 19/8/2022", "290/QĐ-UBND"),
])
def test_reference_slips_repaired_from_context(text, number):
    assert [r.number for r in analyse(text).references] == [number]


@pytest.mark.parametrize("number", ["932/SGDĐT-VP", "1129/HĐKT", "05/2021/TT-TTCP", "12/ĐĐBQH-VP"])
def test_real_codes_are_not_repaired_into_known_ones(number):
    assert [r.number for r in analyse(f"Căn cứ văn bản số {number} ngày 05/3/2021.").references] == [number]


@pytest.mark.parametrize("read, written", [
    ("Đoàn Hồng Nguyệtt", "Đoàn Hồng Nguyệt"),
    ("Lý Tuyếêt Vân", "Lý Tuyết Vân"),
    ("Nguễn Ngọc Hòa", "Nguyễn Ngọc Hòa"),  # one slipped letter in a surname (seen on OCR of seed 12)
    ("Nguyễn Nzọc Hòa", "Nguyễn Ngọc Hòa"),
    ("Thạch Thươi", "Thạch Thươi"),  # a given name (Thươl or Thươi): an open set, left alone
    ("ĐOÀN HỒNG NGUYỆTT", "ĐOÀN HỒNG NGUYỆT"),
    ("Nguyen Quoc Tuan", "Nguyễn Quốc Tuan"),  # a given name is an open set: Tuấn or Tuân, left alone
    ("Nguyen Van An", "Nguyễn Van An"),  # Văn or Vân: left alone
    ("Kobayashi Taihei", "Kobayashi Taihei"),
    ("Chau Sóc Khanh", "Chau Sóc Khanh"),
    ("Néang Sa Rây", "Néang Sa Rây"),
])
def test_name_lexicon_repairs_only_one_reading(read, written):
    assert repair_name(read) == written


def test_truth_of_the_second_template_set_is_written_in_the_text():
    import re

    for d in generate_wordings(200, REGRESSION_SEED):
        text = doc_text(d)
        squashed = re.sub(r"\s+", "", text)
        for p in d.parties:
            assert p["name"] in text, (d.doc_id, p["name"])
            if p["address"]:
                assert p["address"] in text
        for p in d.parcels:
            assert re.search(rf"(?<!\d){p['parcel_no']}(?!\d)", text) or "đến" in text, (d.doc_id, p)
            assert re.search(rf"(?<!\d){p['map_sheet']}(?!\d)", text), (d.doc_id, p)
        for r in d.references:
            assert r["number"] in squashed, (d.doc_id, r)
        assert d.kind == "petition" or d.family in ("w_cong_van", "w_bao_cao", "w_to_trinh", "w_hop_dong",
                                                    "w_phieu_chuyen_don")


# --- real paper (../shared/real-scans): official letters that are not citizens' letters ---------------------

REAL_SCANS = Path("/work/shared/real-scans")


@pytest.mark.parametrize("name, expected_refs", [
    # a provincial department's công văn on road safety in the summer holidays (the "denunciation")
    ("congvan_fax200_p1.png", {"2114/BGDĐT-GDCTHSSV"}),
    # a hospital's công văn on an auction: its "Đơn vị thực hiện" line is not a letter's title
    ("scan95_bleedthrough_congvan.png", {"01/2016/QH14", "5337/QĐ-BVT", "5958/QĐ-BVT", "5959/QĐ-BVT"}),
])
def test_real_official_letters_are_other_unknown_without_parties(name, expected_refs):
    from donthu.config import load_settings
    from ingest.pipeline import process_bytes

    record = process_bytes((REAL_SCANS / name).read_bytes(), name, load_settings()).record
    assert (record.kind, record.type) == ("other", "unknown")
    assert record.parties == []
    assert expected_refs <= {r.number for r in record.references}
