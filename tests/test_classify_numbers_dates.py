"""classify.numbers and classify.dates."""

import pytest

from classify.dates import document_date, find_dates, parse_vn_date
from classify.numbers import find_areas, parse_area, parse_vn_number


@pytest.mark.parametrize("text, value", [
    ("1.234,5", 1234.5), ("1234", 1234.0), ("1.234", 1234.0), ("0,5", 0.5), ("12.345.678", 12345678.0),
    ("1.234.567,25", 1234567.25), ("850", 850.0), ("12,75", 12.75), (" 2.000 ", 2000.0),
])
def test_parse_vn_number(text, value):
    assert parse_vn_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "."])
def test_parse_vn_number_rejects(text):
    assert parse_vn_number(text) is None


@pytest.mark.parametrize("text, m2", [
    ("1.234,5 m²", 1234.5), ("1234m2", 1234.0), ("1.234 mét vuông", 1234.0), ("0,5 ha", 5000.0),
    ("850 m2", 850.0), ("diện tích 120,5m²", 120.5), ("2 ha", 20000.0), ("1,2 hecta", 12000.0),
    ("3.500 met vuong", 3500.0), ("450 M2", 450.0), ("99 rn2", 99.0),
])
def test_parse_area(text, m2):
    assert parse_area(text) == m2


def test_parse_area_none_without_unit():
    assert parse_area("thửa đất số 45") is None


def test_find_areas_several():
    found = find_areas("thửa 1 có 300 m2 và thửa 2 có 0,2 ha")
    assert [a[2] for a in found] == [300.0, 2000.0]


@pytest.mark.parametrize("text, iso", [
    ("ngày 05 tháng 3 năm 2021", "2021-03-05"),
    ("05/3/2021", "2021-03-05"),
    ("05-03-2021", "2021-03-05"),
    ("ngày 5/3/2021", "2021-03-05"),
    ("ngày 05 tháng 03 năm 2021", "2021-03-05"),
    ("ngày 5 thang 3 nãm 2021", "2021-03-05"),
    ("ngay 12 thang 11 nam 2019", "2019-11-12"),
    ("NGÀY 01 THÁNG 02 NĂM 2020", "2020-02-01"),
    ("ngàv 20 tháng 10 năm 2022", "2022-10-20"),
    ("vào ngày 31.12.2020", "2020-12-31"),
    ("ngày 7 tháng 8, năm 2023", "2023-08-07"),
])
def test_parse_vn_date(text, iso):
    assert parse_vn_date(text) == iso


@pytest.mark.parametrize("text", ["ngày 31 tháng 2 năm 2021", "45/13/2020", "số 123/QĐ-UBND", "năm 2021"])
def test_parse_vn_date_rejects(text):
    assert parse_vn_date(text) is None


def test_find_dates_in_order():
    text = "Quyết định ngày 05/3/2021 và Thông báo ngày 10 tháng 4 năm 2021"
    assert [d[2] for d in find_dates(text)] == ["2021-03-05", "2021-04-10"]


@pytest.mark.parametrize("text, iso", [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nChợ Mới, ngày 05 tháng 3 năm 2021\nĐƠN KHIẾU NẠI", "2021-03-05"),
    ("ỦY BAN NHÂN DÂN\nSố: 12/QĐ-UBND\nAn Giang, ngày 10 tháng 01 năm 2022\nCăn cứ Luật ngày 11/11/2011",
     "2022-01-10"),
    ("ĐƠN\nTôi tên là A.\nCăn cứ văn bản ngày 01/01/2019\nLong Xuyên, ngày 7 tháng 6 năm 2020\nNgười làm đơn",
     "2020-06-07"),
    ("BIÊN BẢN\nHôm nay, vào lúc 8 giờ ngày 03/4/2023, tại UBND xã\nTri Tôn, ngày 03/4/2023", "2023-04-03"),
    ("Thoại Sơn, ngay 9 thang 9 nam 2021", "2021-09-09"),
])
def test_document_date(text, iso):
    assert document_date(text) == iso


def test_document_date_none():
    assert document_date("Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011") is None
