"""classify.normalize: NFC, hyphenation, OCR repairs, offset-keeping folding."""

import re
import unicodedata

import pytest

from classify.normalize import contains_folded, find_folded, fold_aligned, fuzzy_phrase, normalize_text


def test_nfc_from_decomposed():
    decomposed = unicodedata.normalize("NFD", "Khiếu nại Quyết định")
    assert normalize_text(decomposed) == "Khiếu nại Quyết định"


@pytest.mark.parametrize("raw, expected", [
    ("khiếu na-\ni quyết định", "khiếu nai quyết định"),
    ("thu hồi đất của gia đì-\nnh tôi", "thu hồi đất của gia đình tôi"),
    ("Quyết định số 123/QĐ-\nUBND", "Quyết định số 123/QĐ-UBND"),
    ("Số: 45/QĐ- \n TTr", "Số: 45/QĐ-TTr"),
])
def test_hyphenated_line_breaks(raw, expected):
    assert normalize_text(raw) == expected


def test_whitespace_collapsed_lines_kept():
    raw = "ĐƠN   KHIẾU\tNẠI  \n\n\n\nKính gửi:\u00a0UBND xã  \n"
    assert normalize_text(raw) == "ĐƠN KHIẾU NẠI\n\nKính gửi: UBND xã"


@pytest.mark.parametrize("raw, expected", [
    ("Quyết định số 123/QD-UBND", "Quyết định số 123/QĐ-UBND"),
    ("số l23/QĐ-UBND", "số 123/QĐ-UBND"),
    ("Nghị định 124/2020/ND-CP", "Nghị định 124/2020/NĐ-CP"),
    ("Số: O5/TB-UBND", "Số: 05/TB-UBND"),
    ("Số: 12 / QĐ - UBND", "Số: 12/QĐ-UBND"),
    ("Thông báo 08/TB-UBN0", "Thông báo 08/TB-UBND"),
])
def test_document_codes(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("diện tích 120 m2", "diện tích 120 m²"),
    ("diện tích 120m2", "diện tích 120 m²"),
    ("diện tích 1.234,5 rn2", "diện tích 1.234,5 m²"),
    ("diện tích 85 m²", "diện tích 85 m²"),
])
def test_area_units(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("thửa dất số 45", "thửa đất số 45"),
    ("DƠN KHIẾU NẠI", "ĐƠN KHIẾU NẠI"),
    ("Quyết dịnh số 5", "Quyết định số 5"),
    ("dịa chỉ: ấp 3", "địa chỉ: ấp 3"),
])
def test_d_read_as_d_in_key_words(raw, expected):
    assert normalize_text(raw) == expected


def test_names_keep_their_diacritics():
    raw = "Tôi tên là Dương Văn Dũng, trú tại xã Đa Phước"
    assert normalize_text(raw) == raw


def test_fold_aligned_keeps_offsets():
    text = "Tôi KHIẾU NẠI Quyết định của Ủy ban"
    folded = fold_aligned(text)
    assert len(folded) == len(text)
    assert folded == "toi khieu nai quyet dinh cua uy ban"
    i = folded.index("quyet dinh")
    assert text[i:i + len("quyet dinh")] == "Quyết định"


@pytest.mark.parametrize("text", ["khieu nai", "khiêu nai", "KHIẾU NẠI", "Khiếu nại", "khiếu  nại"])
def test_fold_aware_keyword(text):
    assert contains_folded("khiếu nại", f"Tôi {text} quyết định")


def test_find_folded_whole_words_only():
    assert find_folded("to cao", "tố cáo ông A") == [(0, 6)]
    assert find_folded("to cao", "tô cáotrên") == []


@pytest.mark.parametrize("garbled", ["to ban do", "t0 ban do", "to bn do", "to bann do", "tu ban do"])
def test_fuzzy_phrase_one_wrong_character(garbled):
    assert re.fullmatch(fuzzy_phrase("to ban do"), garbled)


def test_fuzzy_phrase_not_two_wrong_characters():
    assert not re.fullmatch(fuzzy_phrase("to ban do"), "tu bxn do")


@pytest.mark.parametrize("raw, expected", [
    ("An Phú, ngày 2§ tháng 01 năm 2020", "An Phú, ngày 28 tháng 01 năm 2020"),
    ("Tà Đảnh, ngày I3 tháng 7 năm 2020", "Tà Đảnh, ngày 13 tháng 7 năm 2020"),
    ("Bình Thủy, ngày 3] tháng 7 năm 2022", "Bình Thủy, ngày 31 tháng 7 năm 2022"),
    ("An Giang, ngày 10/I1⁄2019", "An Giang, ngày 10/11/2019"),
    ("Báo cáo số 217⁄BC-TNMT", "Báo cáo số 217/BC-TNMT"),
    ("tổ l0, ấp 3", "tổ 10, ấp 3"),
])
def test_digits_read_as_look_alike_characters(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("text", ["Mục II. Nội dung", "Luật số 02/2011/QH13", "xem [1] và [2]", "ông Lê Văn Il"])
def test_look_alike_repair_leaves_words_and_codes(text):
    assert normalize_text(text) == text


def test_letters_read_for_digits_after_a_numbering_label_become_digits():
    from classify.normalize import normalize_line

    assert normalize_line("thuộc tờ bản đồ số II có diện tích") == "thuộc tờ bản đồ số 11 có diện tích"
    assert normalize_line("thửa l tờ 12") == "thửa 1 tờ 12"
    # Roman numerals elsewhere and ordinary words are left alone
    assert normalize_line("Phần II: Kết luận") == "Phần II: Kết luận"
    assert normalize_line("số Ignatius") == "số Ignatius"


def test_square_metres_misread_by_ocr_are_repaired():
    from classify.normalize import normalize_line

    for noisy in ("diện tích 1.984 mỶ, đất", "diện tích 379m? (ODT)", "diện tích 74 m', loại",
                  "có diện tích 414 m”, ở ấp", "điện tích 2.989,3 m3, đất", "diện tích 1.366m, mục"):
        fixed = normalize_line(noisy)
        assert "m²" in fixed and fixed.startswith(("diện tích", "có diện tích")), (noisy, fixed)
    # the punctuation after the unit stays, and lengths in metres outside an area are left alone
    assert normalize_line("diện tích 1.366m, mục") == "diện tích 1.366 m², mục"
    assert normalize_line("cách 20 m, con đường") == "cách 20 m, con đường"
