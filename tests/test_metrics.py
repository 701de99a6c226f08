import math
import unicodedata

import pytest

from corpus.metrics import (
    Counts,
    ErrorTally,
    aggregate,
    bag_of_words_errors,
    area_matches,
    cer,
    char_errors,
    classification_scores,
    confusion_matrix,
    match_counts,
    match_parcels,
    match_parties,
    match_references,
    normalise_text,
    prf,
    reference_key,
    relative_reduction,
    unmatched,
    wer,
    word_errors,
)
from donthu.schema import Parcel, Party, Reference

REAL_TYPES = ("complaint", "denunciation", "recommendation", "land_dispute")


# ------------------------------------------------------------------------------------------ CER/WER


def test_identical_texts_have_zero_error():
    text = "Kính gửi: Ủy ban nhân dân huyện Chợ Mới"
    assert cer(text, text) == 0.0
    assert wer(text, text) == 0.0


def test_one_substitution():
    assert cer("abcd", "abxd") == pytest.approx(0.25)
    assert wer("một hai ba bốn", "một hai bà bốn") == pytest.approx(0.25)


def test_diacritic_loss_is_one_substitution():
    # "ế" → "e" is one character substitution, and a wrong word
    assert char_errors("khiếu nại", "khieu nại") == ErrorTally(1, 9)
    assert word_errors("khiếu nại", "khieu nại") == ErrorTally(1, 2)


def test_nfc_and_nfd_are_equal():
    nfc_text = "Đơn khiếu nại quyết định thu hồi đất"
    nfd_text = unicodedata.normalize("NFD", nfc_text)
    assert nfd_text != nfc_text
    assert cer(nfc_text, nfd_text) == 0.0
    assert wer(nfc_text, nfd_text) == 0.0


def test_whitespace_is_normalised():
    assert normalise_text("  a\n\nb \t c ") == "a b c"
    assert cer("a b\nc", "a  b c\n") == 0.0


def test_decorative_rules_are_not_text():
    assert cer("ỦY BAN NHÂN DÂN\n-------\nSố: 12/QĐ-UBND", "ỦY BAN NHÂN DÂN Số: 12/QĐ-UBND") == 0.0
    assert cer("Độc lập - Tự do - Hạnh phúc", "Độc lập Tự do Hạnh phúc") > 0  # a lone dash is text
    assert cer("Nơi nhận: ____ ...", "Nơi nhận:") == 0.0
    assert cer("---oOo---", "") == 1.0  # not a plain rule


def test_empty_texts():
    assert cer("", "") == 0.0
    assert math.isinf(cer("", "x"))
    assert cer("ab", "") == 1.0


def test_bag_of_words_ignores_order():
    assert bag_of_words_errors("a b c d", "c d a b") == ErrorTally(0, 4)
    assert bag_of_words_errors("a b c d", "c d a x") == ErrorTally(1, 4)  # one substitution
    assert bag_of_words_errors("a b", "a b b b") == ErrorTally(2, 2)  # two insertions
    assert word_errors("a b c d", "c d a b").distance == 4


def test_aggregate_is_sum_of_distances_over_sum_of_lengths():
    total = aggregate([char_errors("abcd", "abxd"), char_errors("ab", "ab"), char_errors("abcd", "")])
    assert total == ErrorTally(5, 10)
    assert total.rate == pytest.approx(0.5)


def test_relative_reduction():
    assert relative_reduction(0.10, 0.04) == pytest.approx(0.6)
    assert relative_reduction(0.0, 0.0) is None
    assert relative_reduction(None, 0.1) is None


# ------------------------------------------------------------------------------------------- P/R/F1


def test_prf_math():
    s = prf(6, 2, 4)
    assert s.precision == pytest.approx(0.75)
    assert s.recall == pytest.approx(0.6)
    assert s.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_prf_edge_cases():
    assert prf(0, 0, 0).f1 == 1.0  # nothing expected, nothing predicted
    assert prf(0, 3, 0).precision == 0.0 and prf(0, 3, 0).f1 == 0.0
    assert prf(0, 0, 3).recall == 0.0 and prf(0, 0, 3).precision == 1.0


def test_match_counts_multiset():
    assert match_counts(["a", "a", "b"], ["a", "c"]) == Counts(1, 1, 2)
    assert unmatched(["a", "a", "b"], ["a", "c"]) == (["a", "b"], ["c"])
    assert Counts(1, 1, 2) + Counts(2, 0, 0) == Counts(3, 1, 2)


# ------------------------------------------------------------------------------------------ parties


def test_party_matching_by_name_and_role():
    truth = [
        {"name": "Nguyễn Văn An", "role": "complainant", "id_number": "123456789", "address": "ấp Mỹ Thạnh"},
        {"name": "Ủy ban nhân dân xã Mỹ Hội Đông", "role": "subject", "id_number": None, "address": None},
        {"name": "Trần Thị Bình", "role": "related", "id_number": None, "address": None},
    ]
    predicted = [
        Party(name="NGUYỄN VĂN AN", role="complainant", id_number="123 456 789", address="ấp Mỹ Thạnh"),
        Party(name="Uy ban nhan dan xa My Hoi Dong", role="complainant"),  # folded-equal, wrong role
        Party(name="Lê Văn Cường", role="related"),
    ]
    m = match_parties(truth, predicted)
    assert m.name == Counts(2, 1, 1)
    assert m.exact_name == Counts(0, 3, 3)
    assert m.name_role == Counts(1, 2, 2)
    assert (m.id_number.correct, m.id_number.total) == (1, 1)
    assert (m.address.correct, m.address.total) == (1, 1)


def test_party_name_nfd_is_exact():
    name = "Phạm Thị Hường"
    m = match_parties([{"name": name, "role": "petitioner"}],
                      [{"name": unicodedata.normalize("NFD", name), "role": "petitioner"}])
    assert m.exact_name == Counts(1, 0, 0)


# ------------------------------------------------------------------------------------------ parcels


def test_area_tolerance():
    assert area_matches(1234.5, 1234.9)
    assert not area_matches(100.0, 100.6)
    assert area_matches(50000.0, 50040.0)  # 0.08 %
    assert not area_matches(50000.0, 50100.0)
    assert area_matches(None, None) and not area_matches(12.0, None)


def test_parcel_matching_and_fields():
    truth = [
        {"parcel_no": "45", "map_sheet": "12", "area_m2": 1234.5, "land_use": "LUC", "commune": "Mỹ Hội Đông",
         "district": "Chợ Mới", "province": "An Giang"},
        {"parcel_no": "7", "map_sheet": "3", "area_m2": 200.0, "land_use": None, "commune": "Kiến An",
         "district": "Chợ Mới", "province": "An Giang"},
    ]
    predicted = [
        Parcel(parcel_no="045", map_sheet="12", area_m2=1234.0, land_use="luc", commune="My Hoi Dong",
               district="Chợ Mới", province=None),
        Parcel(parcel_no="8", map_sheet="3", area_m2=200.0),
    ]
    m = match_parcels(truth, predicted)
    assert m.key == Counts(1, 1, 1)
    assert m.fields["area_m2"].rate == 1.0
    assert m.fields["land_use"].rate == 1.0
    assert m.fields["commune"].rate == 1.0
    assert m.fields["district"].rate == 1.0
    assert m.fields["province"].rate == 0.0
    total = m + m
    assert total.key == Counts(2, 2, 2) and total.fields["province"].total == 2
    # the first generator's truth has no area as written: those fields are not scored
    assert "area_unit" not in m.fields and "area_unit" not in m.slots
    # province as a slot: truth "An Giang", nothing given -> a miss, no false value
    assert m.slots["province"] == Counts(0, 0, 1)
    assert m.slots["land_use"] == Counts(1, 0, 0)


def test_parcel_area_as_written_scored_as_slots():
    truth = [
        {"parcel_no": "245", "map_sheet": "12", "area_m2": None, "area_text": "3 công", "area_value": 3.0,
         "area_unit": "công"},
        {"parcel_no": "88", "map_sheet": "4", "area_m2": 2610.0, "area_text": "2.610m2", "area_value": 2610.0,
         "area_unit": "m²"},
        {"parcel_no": "9", "map_sheet": "1", "area_m2": None},
    ]
    predicted = [
        Parcel(parcel_no="245", map_sheet="12", area_m2=3000.0, area_text="3 công", area_value=3.0, area_unit="công"),
        Parcel(parcel_no="88", map_sheet="4", area_m2=2610.0, area_text="2.610 m²", area_value=2610.0,
               area_unit="m²"),
        Parcel(parcel_no="9", map_sheet="1"),
    ]
    m = match_parcels(truth, predicted)
    # a công converted to m² is a wrong area_m2 (given, none true): a false positive, and accuracy 2/3
    assert m.slots["area_m2"] == Counts(1, 1, 0)
    assert (m.fields["area_m2"].correct, m.fields["area_m2"].total) == (2, 3)
    # "2.610m2" as typed equals "2.610 m²" as OCR normalisation writes it
    assert m.slots["area_text"] == Counts(2, 0, 0)
    assert m.slots["area_unit"] == Counts(2, 0, 0) and m.slots["area_value"] == Counts(2, 0, 0)


def test_party_address_scored_as_a_slot():
    truth = [{"name": "Trần Văn Bảy", "role": "complainant",
              "address": "số 12 đường Trần Hưng Đạo, phường Mỹ Bình, thành phố Long Xuyên"},
             {"name": "Lê Thị Hoa", "role": "complainant", "address": "xã Mỹ Hội Đông, tỉnh An Giang"},
             {"name": "Võ Văn Năm", "role": "subject", "address": None}]
    predicted = [Party(name="Trần Văn Bảy", role="complainant", address="số 12 đường Trần Hưng Đạo"),
                 Party(name="Lê Thị Hoa", role="complainant", address="xã Mỹ Hội Đông, tỉnh An Giang"),
                 Party(name="Võ Văn Năm", role="subject", address="ấp Mỹ Hòa")]
    m = match_parties(truth, predicted)
    assert m.address_slots == Counts(1, 2, 1)  # cut short: fp and fn; an address where none is written: fp
    assert (m.address.correct, m.address.total) == (1, 2)


# --------------------------------------------------------------------------------------- references


def test_reference_key_folds_qd():
    assert reference_key("123/QĐ-UBND") == reference_key("123 / QD-UBND") == reference_key("123/qđ–ubnd")
    assert reference_key("124/2020/NĐ-CP") != reference_key("124/2021/NĐ-CP")


def test_reference_matching_and_dates():
    truth = [{"number": "123/QĐ-UBND", "date": "2021-03-05", "issuer": None},
             {"number": "45/TB-TTr", "date": None, "issuer": None},
             {"number": "9/KL-UBND", "date": "2020-01-02", "issuer": None}]
    predicted = [Reference(number="123/QD-UBND", date="2021-03-05"),
                 Reference(number="45/TB-TTr", date="2020-01-01"),
                 Reference(number="1/BC")]
    m = match_references(truth, predicted)
    assert m.number == Counts(2, 1, 1)
    assert (m.date.correct, m.date.total) == (1, 2)


# ----------------------------------------------------------------------------------- classification


def test_confusion_matrix_has_unknown_column():
    pairs = [("complaint", "complaint"), ("complaint", "unknown"), ("land_dispute", "complaint")]
    matrix = confusion_matrix(pairs, REAL_TYPES, extra_columns=("unknown",))
    assert list(matrix) == list(REAL_TYPES)
    assert list(matrix["complaint"]) == [*REAL_TYPES, "unknown"]
    assert matrix["complaint"] == {"complaint": 1, "denunciation": 0, "recommendation": 0,
                                   "land_dispute": 0, "unknown": 1}
    assert matrix["land_dispute"]["complaint"] == 1
    assert sum(sum(row.values()) for row in matrix.values()) == 3


def test_unknown_counts_as_wrong_and_macro_f1_skips_absent_class():
    pairs = [("complaint", "complaint"), ("complaint", "unknown"),
             ("denunciation", "denunciation"), ("land_dispute", "complaint")]
    s = classification_scores(pairs, REAL_TYPES, extra_columns=("unknown",))
    assert s.n == 4
    assert s.accuracy == pytest.approx(0.5)
    # recommendation never occurs: left out of the average
    assert set(s.per_label) == {"complaint", "denunciation", "land_dispute"}
    complaint = s.per_label["complaint"]  # tp 1, fp 1 (land_dispute), fn 1 (unknown)
    assert complaint.precision == pytest.approx(0.5) and complaint.recall == pytest.approx(0.5)
    assert s.per_label["denunciation"].f1 == 1.0
    assert s.per_label["land_dispute"].f1 == 0.0
    assert s.macro_f1 == pytest.approx((0.5 + 1.0 + 0.0) / 3)


def test_class_predicted_but_never_true_has_zero_f1():
    s = classification_scores([("complaint", "complaint"), ("complaint", "recommendation")], REAL_TYPES)
    assert s.per_label["recommendation"].f1 == 0.0
    assert s.macro_f1 == pytest.approx((prf(1, 0, 1).f1 + 0.0) / 2)


def test_empty_classification():
    s = classification_scores([], REAL_TYPES)
    assert s.accuracy is None and s.macro_f1 is None and s.n == 0
