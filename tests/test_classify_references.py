"""classify.references: document numbers with date and issuer written next to them."""

import pytest

from classify.normalize import normalize_text
from classify.references import extract_references


def refs(text):
    return [(r.number, r.date, r.issuer) for r in extract_references(normalize_text(text))]


@pytest.mark.parametrize("text, number", [
    ("theo Quyết định số 123/QĐ-UBND", "123/QĐ-UBND"),
    ("Quyết định số 45/QĐ-TTr của Thanh tra huyện", "45/QĐ-TTr"),
    ("Thông báo số 12/TB-UBND", "12/TB-UBND"),
    ("Kết luận số 08/KL-TTr", "08/KL-TTr"),
    ("Nghị định số 124/2020/NĐ-CP", "124/2020/NĐ-CP"),
    ("Thông tư 05/2021/TT-TTCP", "05/2021/TT-TTCP"),
    ("Luật Khiếu nại số 02/2011/QH13", "02/2011/QH13"),
    ("Công văn số 356/UBND-NC", "356/UBND-NC"),
    ("Quyết định số 123/QD-UBND", "123/QĐ-UBND"),  # OCR dropped the stroke
    ("Quyết định số 123 / QĐ - UBND", "123/QĐ-UBND"),
    ("Số: 1234/QĐ-UBND", "1234/QĐ-UBND"),
])
def test_numbers(text, number):
    assert refs(text)[0][0] == number


@pytest.mark.parametrize("text, date", [
    ("Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Chợ Mới", "2021-03-05"),
    ("Quyết định số 123/QĐ-UBND ngày 05 tháng 3 năm 2021", "2021-03-05"),
    ("Quyết định số 123/QĐ-UBND, ngày 05/03/2021, của Chủ tịch UBND huyện", "2021-03-05"),
    ("Quyết định số 123/QĐ-UBND ngay 5 thang 3 nam 2021", "2021-03-05"),
    ("Quyết định số 123/QĐ-UBND về việc thu hồi đất. Ngày 05/3/2021 tôi nhận được", None),
    ("Quyết định số 123/QĐ-UBND", None),
])
def test_date_next_to_the_number(text, date):
    assert refs(text)[0][1] == date


@pytest.mark.parametrize("text, issuer", [
    ("Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Chợ Mới về việc thu hồi đất", "UBND huyện Chợ Mới"),
    ("Quyết định số 123/QĐ-UBND của Chủ tịch Ủy ban nhân dân tỉnh An Giang.",
     "Chủ tịch Ủy ban nhân dân tỉnh An Giang"),
    ("Kết luận số 08/KL-TTr ngày 01/02/2022 của Thanh tra huyện Thoại Sơn, theo đó", "Thanh tra huyện Thoại Sơn"),
    ("Nghị định số 124/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết", "Chính phủ"),
    ("Thông báo số 12/TB-UBND do UBND xã Mỹ Hội Đông ban hành", "UBND xã Mỹ Hội Đông"),
    ("Quyết định số 123/QĐ-UBND ngày 05/3/2021", None),
])
def test_issuer(text, issuer):
    assert refs(text)[0][2] == issuer


def test_own_number_and_citations_in_order_deduplicated():
    text = ("ỦY BAN NHÂN DÂN HUYỆN CHỢ MỚI\nSố: 15/QĐ-UBND\nQUYẾT ĐỊNH\n"
            "Căn cứ Luật Khiếu nại số 02/2011/QH13;\n"
            "Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19/10/2020 của Chính phủ;\n"
            "Xét đơn khiếu nại đối với Quyết định số 123/QĐ-UBND ngày 05/3/2021 của Chủ tịch UBND huyện Chợ Mới;\n"
            "Điều 1. Giữ nguyên Quyết định số 123/QĐ-UBND.")
    assert [r[0] for r in refs(text)] == ["15/QĐ-UBND", "02/2011/QH13", "124/2020/NĐ-CP", "123/QĐ-UBND"]
    assert refs(text)[3] == ("123/QĐ-UBND", "2021-03-05", "Chủ tịch UBND huyện Chợ Mới")


@pytest.mark.parametrize("text", [
    "ngày 05/3/2021", "diện tích 1/2 thửa", "tờ bản đồ số 12/3", "điện thoại 0912/345678", "tỷ lệ 1/500",
])
def test_not_references(text):
    assert refs(text) == []


# OCR damage seen on generated scans: doubled Đ, lost or added slashes and hyphens, one-letter slips in codes
@pytest.mark.parametrize("text, number", [
    ("Số: 03/QĐÐ-UBND", "03/QĐ-UBND"),
    ("không đồng ý Quyết định số 1115/QĐÐĐ-XPHC của UBND huyện Tri Tôn", "1115/QĐ-XPHC"),
    ("tại Báo cáo số441/BC-TNMT; ngày 29/8/2020", "441/BC-TNMT"),
    ("tại Báo cáo số 344BC-TNMT ngày 13 tháng 10 năm 2022", "344/BC-TNMT"),
    ("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015QH13 ngày 19 tháng 6 năm 2015", "77/2015/QH13"),
    ("khiếu nại Quyết định số 2595 QD-UƯBND ngày 11/8/2022", "2595/QĐ-UBND"),
    ("Số:388/KLUBND", "388/KL-UBND"),
    ("khiếu nại Công văn số 62/UBND-TNMTT ngày 24 tháng 01 năm 2023", "62/UBND-TNMT"),
    ("Căn cứ Thông báo số 107/TB-LIBND ngày 05/6/2021", "107/TB-UBND"),
    ("Căn cứ Thông báo số 386/TB-UIBND ngày 28/3/2021", "386/TB-UBND"),
])
def test_number_survives_ocr_damage(text, number):
    assert refs(text)[0][0] == number


@pytest.mark.parametrize("number", ["12/VPĐKĐĐ-KT", "5/STP-HC", "45/2013/QH13", "7/TTg-KTN"])
def test_unknown_or_legitimately_doubled_codes_are_left_alone(number):
    assert refs(f"Căn cứ văn bản số {number} ngày 05/3/2021")[0][0] == number
