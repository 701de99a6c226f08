"""ocr.reading_vote: the kept reading of a poor page takes, word by word, what another reading of the same page
reads better at the same place — its boxes mapped through the original page, since each reading was made from
another image (enlarged, turned, flattened)."""

import numpy as np

from ocr import quality
from ocr.clean import Transform
from ocr.engine import RecognisedWord
from ocr.page import Reading, voted
from ocr.reading_vote import OtherReading, vote

TRUTH = "Số vào sổ cấp giấy chứng nhận quyền sử dụng đất 605002.07"
#: the page the kept reading read: the original enlarged 2× (its boxes are twice the original's)
KEPT_GEOMETRY = Transform.identity(1000, 200).then(np.diag([2.0, 2.0, 1.0]))
#: the page another reading read: the original turned half round (x → W - x, y → H - y), not enlarged
TURNED_GEOMETRY = Transform.identity(1000, 200).then(np.array([[-1.0, 0, 1000], [0, -1.0, 200], [0, 0, 1]]))


def _line(texts_confidences: list[tuple[str, float]], geometry: str) -> list[RecognisedWord]:
    """One line of words 60 px apart on the original page (40 px wide, 20 px high at y = 100), in the pixels of
    the image `geometry` names."""
    words = []
    for i, (text, confidence) in enumerate(texts_confidences):
        left, top, width, height = 20 + 60 * i, 100, 40, 20
        if geometry == "kept":
            left, top, width, height = 2 * left, 2 * top, 2 * width, 2 * height
        elif geometry == "turned":
            left, top = 1000 - left - width, 200 - top - height
        words.append(RecognisedWord(text, left, top, width, height, confidence, 1, 1, 1))
    return words


def _text(words: list[RecognisedWord]) -> str:
    return " ".join(w.text for w in sorted(words, key=lambda w: w.left))


def _truth_with(**changes: str) -> list[str]:
    return [changes.get(word, word) for word in TRUTH.split()]


def test_misread_and_unused_and_unsure_words_are_taken_from_another_reading_in_another_geometry():
    kept_words = list(zip(_truth_with(quyền="quyễn", dụng="đụng", cấp="c4p"), [90.0] * len(TRUTH.split())))
    kept_words[9] = ("đụng", 45.0)  # unsure
    other_words = list(zip(TRUTH.split(), [85.0] * len(TRUTH.split())))
    kept = _line(kept_words, "kept")
    other = OtherReading(_line(other_words, "turned"), TURNED_GEOMETRY, score=10.0)
    out, replaced = vote(kept, KEPT_GEOMETRY, 11.0, [other])
    assert _text(out) == TRUTH
    assert replaced == 3  # "c4p" (misformed), "quyễn" (not in use), "đụng" (45 against 85)
    assert [(w.left, w.top, w.width, w.height) for w in out] == [(w.left, w.top, w.width, w.height) for w in kept]


def test_a_sure_well_formed_word_a_case_difference_and_a_number_stay():
    truth = TRUTH.split()
    kept = _line([(t, 95.0) for t in truth[:-1]] + [("605002", 60.0)], "kept")
    kept[0] = RecognisedWord("SỐ", *[getattr(kept[0], f) for f in ("left", "top", "width", "height")],
                             confidence=50.0, block=1, paragraph=1, line=1)
    # another reading: "sổ" for "Số" (case and tone) is a word for a word; "vàn"; "ân" for the number at 99
    other_texts = ["Sổ", "vàn", *truth[2:-1], "ân"]
    other = OtherReading(_line([(t, 99.0) for t in other_texts], "turned"), TURNED_GEOMETRY, score=10.0)
    out, _ = vote(kept, KEPT_GEOMETRY, 11.0, [other])
    texts = _text(out).split()
    assert texts[0] == "Sổ"  # unsure kept word (50), a surer well-formed word in use
    assert texts[1] == "vào"  # sure kept word (95): stays
    assert texts[-1] == "605002"  # a number is not voted into a word on confidence alone
    case_only = OtherReading(_line([("số", 99.0)], "turned"), TURNED_GEOMETRY, score=10.0)
    out, replaced = vote(kept[:1], KEPT_GEOMETRY, 11.0, [case_only])
    assert replaced == 0 and out[0].text == "SỐ"


def test_two_surer_readings_that_agree_outvote_the_kept_word():
    kept = _line([("60500207", 91.0)], "kept")
    one = OtherReading(_line([("605002.07", 99.0)], "turned"), TURNED_GEOMETRY, score=10.0)
    two = OtherReading(_line([("605002.07", 100.0)], "original"), Transform.identity(1000, 200), score=10.0)
    assert vote(kept, KEPT_GEOMETRY, 11.0, [one])[0][0].text == "60500207"  # one reading, 8 points surer: no
    assert vote(kept, KEPT_GEOMETRY, 11.0, [one, two])[0][0].text == "605002.07"


def test_a_far_worse_reading_and_words_elsewhere_take_no_part():
    kept = _line([("quyễn", 90.0)], "kept")
    garbage = OtherReading(_line([("quyền", 99.0)], "turned"), TURNED_GEOMETRY, score=2.0)  # below half the score
    assert vote(kept, KEPT_GEOMETRY, 11.0, [garbage])[0][0].text == "quyễn"
    elsewhere = OtherReading([RecognisedWord("quyền", 500, 20, 40, 20, 99.0, 1, 1, 1)],
                             Transform.identity(1000, 200), score=10.0)
    assert vote(kept, KEPT_GEOMETRY, 11.0, [elsewhere])[0][0].text == "quyễn"


def test_the_page_keeps_its_reading_and_records_the_votes():
    kept_found = _line([("quyễn", 90.0), ("sử", 90.0)], "kept")
    kept = Reading("clean, turned 180°, gray, background flattened", kept_found, KEPT_GEOMETRY,
                   quality.judge(kept_found), 1.0, (400, 2000))
    other_found = _line([("quyền", 80.0), ("sử", 80.0)], "turned")
    other = Reading("clean, turned 180°", other_found, TURNED_GEOMETRY, quality.judge(other_found), 1.0, (200, 1000))
    chosen, replaced = voted(kept, [other, kept])
    assert replaced == 1 and _text(chosen.found) == "quyền sử"
    assert chosen.path == kept.path and chosen.transform == kept.transform
    alone, replaced = voted(kept, [kept])
    assert alone is kept and replaced == 0
