"""classify.analyse on whole documents written for these tests (letter, rulings, notice, minutes), clean
and OCR-damaged, and its speed."""

import time

import pytest

import classify
from classify.normalize import unwrap_lines
from donthu.schema import Analysis, Parcel, Reference

LETTER = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---oOo---
Chợ Mới, ngày 12 tháng 4 năm 2021
ĐƠN KIẾN NGHỊ
(V/v: đề nghị xem xét lại việc thu hồi đất)
Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới.
Tôi tên là Nguyễn Văn An, sinh năm 1962, CCCD số 089062001234 do Cục Cảnh sát QLHC về TTXH cấp ngày 10/5/2021; thường trú tại ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang.
Gia đình tôi có thửa đất số 45, tờ bản đồ số 12, diện tích 1.234,5 m², loại đất trồng lúa, tọa lạc tại ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang, đã được cấp Giấy chứng nhận số CH 01234.
Ngày 05/3/2021, Ủy ban nhân dân huyện Chợ Mới ban hành Quyết định số 123/QĐ-UBND về việc thu hồi 500 m2 đất của gia đình tôi để thực hiện dự án đường tỉnh 942 mà không thông báo trước, phương án bồi thường áp giá đất không đúng.
Vì vậy tôi làm đơn này khiếu nại Quyết định số 123/QĐ-UBND, đề nghị Chủ tịch Ủy ban nhân dân huyện hủy bỏ quyết định hành chính nêu trên.
Tài liệu kèm theo: bản photo Quyết định số 123/QĐ-UBND.
Người làm đơn
(Ký, ghi rõ họ tên)
Nguyễn Văn An
"""

COMPLAINT_RULING = """ỦY BAN NHÂN DÂN
HUYỆN THOẠI SƠN
-------
Số: 215/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Thoại Sơn, ngày 20 tháng 9 năm 2022
QUYẾT ĐỊNH
Về việc giải quyết khiếu nại của bà Trần Thị Bích (lần đầu)
CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN THOẠI SƠN
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Luật Khiếu nại số 02/2011/QH13 ngày 11 tháng 11 năm 2011;
Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Khiếu nại;
Xét đơn khiếu nại đề ngày 02/6/2022 của bà Trần Thị Bích, khiếu nại Quyết định số 88/QĐ-UBND ngày 14/4/2022 của Ủy ban nhân dân huyện Thoại Sơn;
I. NỘI DUNG KHIẾU NẠI
Người khiếu nại: bà Trần Thị Bích, sinh năm 1970, CMND số 351234567, địa chỉ: ấp Tây Bình, xã Vọng Thê, huyện Thoại Sơn, tỉnh An Giang; người đại diện theo ủy quyền: ông Lê Hoàng Phúc (sinh năm 1985), trú tại ấp Tây Bình, xã Vọng Thê, huyện Thoại Sơn, tỉnh An Giang.
Người khiếu nại cho rằng phương án bồi thường áp dụng sai loại đất đối với thửa đất số 210, tờ bản đồ số 07, diện tích 850 m2, đất ở tại nông thôn (ONT), tọa lạc ở ấp Tây Bình, xã Vọng Thê.
II. KẾT QUẢ XÁC MINH
Theo hồ sơ địa chính, thửa đất số 210 tờ bản đồ số 7 là đất ở tại nông thôn.
III. KẾT LUẬN
Nội dung khiếu nại của bà Trần Thị Bích là đúng một phần.
QUYẾT ĐỊNH:
Điều 1. Công nhận một phần nội dung khiếu nại của bà Trần Thị Bích.
Điều 2. Trong thời hạn 30 ngày, nếu không đồng ý, bà Trần Thị Bích có quyền khiếu nại đến Chủ tịch Ủy ban nhân dân tỉnh An Giang hoặc khởi kiện vụ án hành chính.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Đặng Minh Quang
"""

LAND_RULING = """ỦY BAN NHÂN DÂN
THỊ XÃ TỊNH BIÊN
Số: 973/QĐ-UBND
Tịnh Biên, ngày 26 tháng 6 năm 2024
QUYẾT ĐỊNH
V/v giải quyết tranh chấp quyền sử dụng đất giữa ông Thạch Ty và ông Huỳnh Văn Quới
CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ TỊNH BIÊN
Căn cứ Luật Đất đai số 45/2013/QH13 ngày 29 tháng 11 năm 2013;
Căn cứ Luật Khiếu nại số 02/2011/QH13;
Xét đơn đề ngày 26/4/2024 của ông Thạch Ty về việc tranh chấp đất đai với ông Huỳnh Văn Quới;
Người đề nghị giải quyết tranh chấp: ông Thạch Ty (sinh năm 1978), số CCCD: 089078087083, địa chỉ: ấp Phú Hạ, xã Vĩnh Trung, thị xã Tịnh Biên, tỉnh An Giang.
Cùng đứng đơn: bà Néang Sa Ri, địa chỉ: tổ 28, ấp Phú Hạ, xã Vĩnh Trung, thị xã Tịnh Biên, tỉnh An Giang.
Người bị đề nghị (bên tranh chấp): ông Huỳnh Văn Quới, năm sinh 1957, CCCD số 089057315035, địa chỉ thường trú: tổ 24, ấp Phú Hạ, xã Vĩnh Trung, thị xã Tịnh Biên, tỉnh An Giang.
Người có quyền lợi, nghĩa vụ liên quan: bà Lê Thị Mai, trú tại ấp Phú Hạ, xã Vĩnh Trung.
Ông Thạch Ty cho rằng thửa 153 tờ 52 có diện tích 13.500,7 mét vuông, loại đất LUC, thuộc ấp Phú Hạ, xã Vĩnh Trung là của gia đình mình, ông Huỳnh Văn Quới đã lấn chiếm một phần. Việc hòa giải tại Ủy ban nhân dân xã Vĩnh Trung ngày 29 tháng 11 năm 2023 không thành.
QUYẾT ĐỊNH:
Điều 1. Công nhận cho ông Thạch Ty được quyền sử dụng phần đất tranh chấp; buộc ông Huỳnh Văn Quới trả lại phần đất đã lấn chiếm.
Điều 2. Trường hợp không đồng ý, các bên tranh chấp có quyền khiếu nại đến Chủ tịch Ủy ban nhân dân tỉnh An Giang hoặc khởi kiện tại Tòa án nhân dân.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Lâm
"""

NOTICE = """ỦY BAN NHÂN DÂN
HUYỆN CHÂU PHÚ
Số: 52/TB-UBND
Châu Phú, ngày 28/9/2021
THÔNG BÁO
Về việc thụ lý giải quyết tố cáo
Ngày 20/9/2021, Chủ tịch Ủy ban nhân dân huyện Châu Phú nhận được đơn tố cáo đề ngày 16/9/2021 của ông Phạm Văn Tài, sinh năm 1975, trú tại ấp Bình Phú 1, xã Mỹ Phú, huyện Châu Phú, tỉnh An Giang.
Nội dung tố cáo: bà Võ Thị Hằng, công chức địa chính xã Mỹ Phú, nhận tiền của người dân khi giải quyết hồ sơ cấp giấy chứng nhận.
Căn cứ Luật Tố cáo số 25/2018/QH14 và Nghị định số 31/2019/NĐ-CP ngày 10/4/2019 của Chính phủ, Chủ tịch Ủy ban nhân dân huyện Châu Phú thụ lý giải quyết tố cáo.
CHỦ TỊCH
Nguyễn Văn Lộc
"""

MINUTES = """ỦY BAN NHÂN DÂN
PHƯỜNG MỸ PHƯỚC
Số: 306/BB-HGT
BIÊN BẢN
HÒA GIẢI KHÔNG THÀNH
Vào lúc 15 giờ ngày 07 tháng 3 năm 2023, tại Hội trường Ủy ban nhân dân phường Mỹ Phước, chúng tôi gồm:
I. Hội đồng hòa giải:
1. Ông Nguyễn Ngọc Lộc - Chủ tịch Ủy ban nhân dân phường Mỹ Phước - Chủ tịch Hội đồng;
2. Bà Lâm Mỹ Xuân - công chức Địa chính - thành viên;
II. Các bên tranh chấp:
Bên yêu cầu: ông Huỳnh Tấn Thành (sinh năm 1982), thường trú tại khóm Long Thạnh A, phường Mỹ Phước, thành phố Long Xuyên, tỉnh An Giang.
Bên bị yêu cầu: ông Lê Văn Tuấn, sinh năm 1987, số CCCD: 089087061761, trú tại khóm Long Thạnh A, phường Mỹ Phước, thành phố Long Xuyên, tỉnh An Giang.
III. Nội dung tranh chấp:
Hai bên tranh chấp ranh giới thửa đất số 121 thuộc tờ bản đồ số 24 có diện tích 5.937,1m², mục đích sử dụng đất trồng cây lâu năm (CLN), tại khóm Long Thạnh A, phường Mỹ Phước.
IV. Kết quả hòa giải: hai bên không thống nhất ranh giới, hòa giải không thành.
CÁC BÊN TRANH CHẤP
Huỳnh Tấn Thành
Lê Văn Tuấn
CHỦ TỊCH HỘI ĐỒNG
Nguyễn Ngọc Lộc
"""


def roles(a: Analysis) -> dict[str, str]:
    return {p.name: p.role for p in a.parties}


def test_letter_with_a_misleading_title():
    a = classify.analyse(LETTER)
    assert (a.kind, a.type, a.date) == ("petition", "complaint", "2021-04-12")
    assert a.type_confidence > 0.5 and "làm đơn này khiếu nại" in a.type_evidence
    assert roles(a) == {"Nguyễn Văn An": "complainant", "Ủy ban nhân dân huyện Chợ Mới": "subject"}
    an = a.parties[0]
    assert an.id_number == "089062001234"
    assert an.address == "ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang"
    assert [p.model_copy(update={"place": None}) for p in a.parcels] == [
        Parcel(parcel_no="45", map_sheet="12", area_m2=1234.5, land_use="LUC", commune="Mỹ Hội Đông",
               district="Chợ Mới", province="An Giang")]
    assert (a.parcels[0].place.old.district, a.parcels[0].place.new.commune) == ("Chợ Mới", "Nhơn Mỹ")
    assert a.references == [Reference(number="123/QĐ-UBND", date=None, issuer=None)]


def test_complaint_ruling():
    a = classify.analyse(COMPLAINT_RULING)
    assert (a.kind, a.type, a.date) == ("decision", "complaint", "2022-09-20")
    assert roles(a) == {"Trần Thị Bích": "complainant", "Ủy ban nhân dân huyện Thoại Sơn": "subject",
                        "Lê Hoàng Phúc": "representative"}
    assert "Đặng Minh Quang" not in roles(a)  # the signer is not a party
    assert [(p.parcel_no, p.map_sheet, p.area_m2, p.land_use, p.commune, p.district) for p in a.parcels] == [
        ("210", "7", 850.0, "ONT", "Vọng Thê", "Thoại Sơn")]
    refs = {r.number: r for r in a.references}
    assert list(refs) == ["215/QĐ-UBND", "02/2011/QH13", "124/2020/NĐ-CP", "88/QĐ-UBND"]
    assert refs["88/QĐ-UBND"].date == "2022-04-14"
    assert refs["88/QĐ-UBND"].issuer == "Ủy ban nhân dân huyện Thoại Sơn"
    assert refs["124/2020/NĐ-CP"].issuer == "Chính phủ"


def test_land_dispute_ruling():
    a = classify.analyse(LAND_RULING)
    assert (a.kind, a.type, a.date) == ("decision", "land_dispute", "2024-06-26")
    assert roles(a) == {"Thạch Ty": "disputant", "Huỳnh Văn Quới": "disputant", "Néang Sa Ri": "disputant",
                        "Lê Thị Mai": "related"}
    parties = {p.name: p for p in a.parties}
    assert parties["Huỳnh Văn Quới"].id_number == "089057315035"
    assert parties["Néang Sa Ri"].address == "tổ 28, ấp Phú Hạ, xã Vĩnh Trung, thị xã Tịnh Biên, tỉnh An Giang"
    (p,) = a.parcels
    assert (p.parcel_no, p.map_sheet, p.area_m2, p.land_use, p.commune, p.district) == (
        "153", "52", 13500.7, "LUC", "Vĩnh Trung", "Tịnh Biên")


def test_acceptance_notice_has_the_type_of_its_matter():
    a = classify.analyse(NOTICE)
    assert (a.kind, a.type, a.date) == ("notice", "denunciation", "2021-09-28")
    assert roles(a)["Phạm Văn Tài"] == "denouncer"
    assert [r.number for r in a.references] == ["52/TB-UBND", "25/2018/QH14", "31/2019/NĐ-CP"]


@pytest.mark.xfail(strict=True, reason="known gap: 'Nội dung tố cáo: bà Võ Thị Hằng, công chức …' in an acceptance "
                                       "notice does not make her the subject (measured 2026-12-07); strict, so the "
                                       "fix turns this into a failure to remove the mark")
def test_acceptance_notice_names_the_denounced_official_as_subject():
    assert roles(classify.analyse(NOTICE)) == {"Phạm Văn Tài": "denouncer", "Võ Thị Hằng": "subject"}


def test_mediation_minutes():
    a = classify.analyse(MINUTES)
    assert (a.kind, a.type, a.date) == ("minutes", "land_dispute", "2023-03-07")
    assert roles(a) == {"Huỳnh Tấn Thành": "disputant", "Lê Văn Tuấn": "disputant"}
    assert [(p.parcel_no, p.map_sheet, p.area_m2, p.land_use, p.district) for p in a.parcels] == [
        ("121", "24", 5937.1, "CLN", "Long Xuyên")]


def _ocr_damage(text: str) -> str:
    """What Tesseract does to a page: wrapped lines, a hyphenated break, lost tones, QD for QĐ, rn for m."""
    text = (text.replace("Quyết định số 123/QĐ-UBND về việc", "Quyết dịnh số 123/QD-UBND về việc")
            .replace("diện tích 1.234,5 m²", "diện tích 1.234,5 rn2")
            .replace("khiếu nại Quyết định", "khiêu nai Quyết định")
            .replace("thường trú tại", "thuờng trú tai")
            .replace("thửa đất số 45, tờ bản đồ số 12", "thủa đất số 45, t0 bản đồ số 12"))
    out = []
    for line in text.split("\n"):
        while len(line) > 70:
            cut = line.rfind(" ", 0, 70)
            out.append(line[:cut])
            line = line[cut + 1:]
        out.append(line)
    return "\n".join(out).replace("Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang.", "Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Gi-\nang.", 1)


def test_ocr_damaged_letter():
    a = classify.analyse(_ocr_damage(LETTER))
    assert (a.kind, a.type, a.date) == ("petition", "complaint", "2021-04-12")
    assert roles(a)["Nguyễn Văn An"] == "complainant"
    assert a.parties[0].id_number == "089062001234"
    assert [(p.parcel_no, p.map_sheet, p.area_m2, p.land_use) for p in a.parcels] == [("45", "12", 1234.5, "LUC")]
    assert [r.number for r in a.references] == ["123/QĐ-UBND"]


def test_unwrap_lines_joins_wrapped_paragraphs_only():
    text = ("ĐƠN KHIẾU NẠI\nKính gửi: UBND huyện Chợ Mới\n"
            "Tôi tên là Nguyễn Văn An, sinh năm 1962, trú tại ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện\n"
            "Chợ Mới, tỉnh An Giang. Nay tôi làm đơn khiếu nại Quyết định số 123/QĐ-UBND của\n"
            "UBND huyện Chợ Mới.\nNgười làm đơn\nNguyễn Văn An")
    out = unwrap_lines(text)
    assert len(out) == len(text)
    assert out.split("\n") == [
        "ĐƠN KHIẾU NẠI", "Kính gửi: UBND huyện Chợ Mới",
        "Tôi tên là Nguyễn Văn An, sinh năm 1962, trú tại ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện "
        "Chợ Mới, tỉnh An Giang. Nay tôi làm đơn khiếu nại Quyết định số 123/QĐ-UBND của "
        "UBND huyện Chợ Mới.", "Người làm đơn", "Nguyễn Văn An"]


def test_spelled_out_date_in_minutes():
    a = classify.analyse("BIÊN BẢN\nHôm nay, ngày mười chín tháng chín năm hai nghìn không trăm hai mươi ba, lúc "
                         "9 giờ, tại Hội trường Ủy ban nhân dân xã Phú Hữu.")
    assert a.date == "2023-09-19"


def test_empty_and_garbage_text():
    assert classify.analyse("") == Analysis()
    a = classify.analyse("~~~ |||\n@@@ 1234 ###")
    assert (a.kind, a.type, a.parties, a.parcels) == ("other", "unknown", [], [])


def test_speed_per_page():
    page = LETTER + COMPLAINT_RULING  # ~700 words
    classify.analyse(page)
    words = len(page.split())
    t0 = time.perf_counter()
    for _ in range(10):
        classify.analyse(page)
    per_400 = (time.perf_counter() - t0) / 10 / words * 400
    assert per_400 < 0.1  # measured ~15 ms; generous for a shared 2-core machine


def test_tesseract_layout_blank_lines_and_merged_columns():
    """Tesseract's text of a rendered minutes page: a blank line after every line, columns merged."""
    text = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ LẠC QUỚI Độc lập - Tự do - Hạnh phúc\n\n"
            "BIÊN BẢN\nVề việc hòa giải tranh chấp đất đai\n\n"
            "Vào lúc 15 giờ 30 phút ngày 19 tháng 02 năm 2019, tại Hội trường Ủy ban nhân dân\n\n"
            "xã Lạc Quới, chúng tôi gồm:\nI. Hội đồng hòa giải gồm:\n\n"
            "1. Ông Huỳnh Công Tư - Chủ tịch Ủy ban nhân dân xã Lạc Quới - Chủ tịch Hội đồng:\n\n"
            "H. Các bên tranh chấp:\n\n"
            "Bên yêu cầu: bà Nguyễn Bích Cúc (sinh năm 1980), trú tại ấp Tô Thủy, xã Lạc Quới, huyện Tri Tôn, tỉnh "
            "An Giang.\n\nBên bị yêu cầu: bà Nguyễn Hồng Loan, CCCD số: 089191382115, địa chỉ thường trú:\ntổ 1, ấp "
            "Tô Thủy, xã Lạc Quới.\n\nHai bên tranh chấp ranh giới thửa đất số 12, tờ bản đồ số 3.\n\n"
            "CÁC BÊN TRANH CHẤP CHỦ TỊCH HỘI ĐỒNG\n\nNguyễn Bích Cúc Huỳnh Công Tư\n\nNguyễn Hồng Loan")
    a = classify.analyse(text)
    assert (a.kind, a.type, a.date) == ("minutes", "land_dispute", "2019-02-19")
    assert roles(a) == {"Nguyễn Bích Cúc": "disputant", "Nguyễn Hồng Loan": "disputant"}
    assert {p.name: p.address for p in a.parties}["Nguyễn Hồng Loan"] == "tổ 1, ấp Tô Thủy, xã Lạc Quới"
    assert [(p.parcel_no, p.map_sheet) for p in a.parcels] == [("12", "3")]
