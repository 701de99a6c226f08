"""The OCR engine seam (ocr.engines): Tesseract and TrueOCR read a generated page whose text is known, the
engine is chosen in Settings, the combination keeps the better reading where one engine reads garbage, and an
engine that fails or reads nothing fails only its own page."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from corpus import degrade, render
from donthu.config import Settings, load_settings
from donthu.types import PageImage
from ocr import clean, engine, engines
from ocr.engines import combined
from ocr.engines.combined import combine, combine_lines, doubtful, prefer_trueocr, token_ok
from ocr.page import ocr_page

#: word recall against the generator's text on the light page below, measured 2026-12-07: Tesseract 0.983,
#: TrueOCR 0.954, combined 0.983 (floors with a margin)
RECALL_FLOOR = {"tesseract": 0.93, "trueocr": 0.90, "combined": 0.93, "combined-lines": 0.90}


def _recall(truth: str, words: list[str]) -> float:
    want = Counter(w.strip(".,;:()") for w in truth.split())
    got = Counter(w.strip(".,;:()") for w in words)
    return sum((want & got).values()) / sum(want.values())


@pytest.fixture(scope="module")
def scan() -> tuple[np.ndarray, clean.CleanResult, str]:
    """A generated page at 300 dpi ("light" scan), ocr.clean's result of it and the text drawn on it."""
    doc = render.sample_doc(paragraphs=3)
    rendered = render.render(doc, font="termes", dpi=300, rng=random.Random(5))
    image = degrade.degrade_page(rendered.pages[0], "light", np.random.default_rng(5), dpi=300)
    return image, clean.clean(image, 300), rendered.page_texts[0]


@pytest.fixture(scope="module")
def page(scan) -> tuple[np.ndarray, str]:
    """The cleaned page and its text."""
    _, cleaned, truth = scan
    return cleaned.image, truth


@pytest.fixture(scope="module")
def readings(scan) -> dict[str, list[engine.RecognisedWord]]:
    original, cleaned, _ = scan
    return {name: engines.read(engines.load_engine(name), cleaned.image, cleaned.transform, cleaned.bilevel, original)
            for name in ("tesseract", "trueocr", "combined", "combined-lines")}


def test_gray_view_is_the_page_in_the_cleaned_geometry(scan):
    original, cleaned, _ = scan
    gray = engines.gray_view(original, cleaned.transform, cleaned.image.shape)
    assert gray.shape == cleaned.image.shape[:2] and gray.dtype == np.uint8
    # not thresholded: the gray page keeps intermediate tones where the cleaned one may not
    assert len(np.unique(gray)) > 16
    # the same ink in the same place: dark pixels of one are mostly dark in the other
    ink = cleaned.image < 128
    assert (gray[ink] < 160).mean() > 0.8


@pytest.mark.parametrize("name", ["tesseract", "trueocr", "combined", "combined-lines"])
def test_engine_reads_words_with_boxes(page, readings, name):
    image, truth = page
    words = readings[name]
    height, width = image.shape[:2]
    assert words and all(w.text == w.text.strip() and w.text for w in words)
    for w in words:
        assert 0 <= w.left and 0 <= w.top and w.width > 0 and w.height > 0
        assert w.left + w.width <= width and w.top + w.height <= height
        assert 0 <= w.confidence <= 100
    assert _recall(truth, [w.text for w in words]) >= RECALL_FLOOR[name]
    # the reading order gives the lines back: each long truth line is a line of the page text, up to a few
    # misread characters (measured: all 7 within 10 % for each engine)
    text_lines = engine.page_text(words).splitlines()
    for line in (line for line in truth.splitlines() if len(line) > 40):
        assert min(Levenshtein.normalized_distance(line, got) for got in text_lines) < 0.1, line


def test_trueocr_word_boxes_cover_their_ink(page, readings):
    """A TrueOCR word box (from the CTC steps of its line) sits on the same word as Tesseract's box for it."""
    def same_line(a, b):
        return min(a.top + a.height, b.top + b.height) - max(a.top, b.top) > 0.5 * b.height

    pairs = [(a, b) for a in readings["trueocr"] if len(a.text) >= 3
             for b in readings["tesseract"] if b.text == a.text and same_line(a, b)]
    pairs = [(a, b) for a, b in pairs if sum(1 for x, _ in pairs if x is a) == 1]  # one namesake on the line
    assert len(pairs) >= 40
    centre_offsets = [abs((a.left + a.width / 2) - (b.left + b.width / 2)) / b.height for a, b in pairs]
    assert float(np.median(centre_offsets)) < 0.5


def test_engine_is_chosen_in_settings(page):
    # the default is the combination: it reads best on the real pages and the generated corpus
    # (docs/quality.md, "OCR engines")
    assert Settings().ocr_engine == "combined"
    assert load_settings({}).ocr_engine == "combined"
    for name in ("tesseract", "trueocr", "combined"):
        settings = load_settings({"DONTHU_OCR_ENGINE": name.upper()})
        assert settings.ocr_engine == name
        assert engines.engine_for(settings).name == name
    with pytest.raises(ValueError):
        load_settings({"DONTHU_OCR_ENGINE": "abbyy"})
    image, truth = page
    result = ocr_page(PageImage(number=1, source="ocr", image=image, dpi=300), Settings(ocr_engine="trueocr"))
    assert result.error is None and "trueocr" in result.seconds and "tesseract" not in result.seconds
    assert _recall(truth, result.text.split()) >= RECALL_FLOOR["trueocr"]


def _upside_down_reading(reader, image: np.ndarray) -> list[engine.RecognisedWord]:
    """What `reader` reads on the page turned 180° (garbage), with its boxes turned back onto the page."""
    height, width = image.shape[:2]
    words = reader.recognise(np.ascontiguousarray(image[::-1, ::-1]))
    for w in words:
        w.left, w.top = width - w.left - w.width, height - w.top - w.height
    return words


@pytest.mark.parametrize("garbage", ["tesseract", "trueocr"])
def test_combination_keeps_the_good_engine_where_the_other_reads_garbage(page, readings, garbage):
    """Real outputs: one engine's reading of the page, the other's reading of the same page upside down
    (boxes turned back): the combination finds at least what the good engine found."""
    image, truth = page
    good = "trueocr" if garbage == "tesseract" else "tesseract"
    bad_words = _upside_down_reading(engines.load_engine(garbage), image)
    assert _recall(truth, [w.text for w in bad_words]) < 0.3  # it is garbage
    good_words = readings[good]
    pair = {good: good_words, garbage: bad_words}
    combined = combine(pair["tesseract"], pair["trueocr"])
    assert _recall(truth, [w.text for w in combined]) >= _recall(truth, [w.text for w in good_words]) - 0.005


def test_combination_is_not_worse_than_the_better_engine(page, readings):
    _, truth = page
    best = max(_recall(truth, [w.text for w in readings[n]]) for n in ("tesseract", "trueocr"))
    assert _recall(truth, [w.text for w in readings["combined"]]) >= best - 0.01


def _word(text: str, confidence: float) -> engine.RecognisedWord:
    return engine.RecognisedWord(text=text, left=0, top=0, width=40, height=20, confidence=confidence, block=1,
                                 paragraph=1, line=1)


def test_word_vote_prefers_the_syllable_in_use_to_a_misread_tone():
    """Both readings well-formed, one a syllable nobody writes ("truyển", a misread tone): the one in use
    wins whatever the confidences; between two syllables in use the confidence thresholds decide."""
    assert prefer_trueocr(_word("truyền", 91), _word("truyển", 99)) is False
    assert prefer_trueocr(_word("truyển", 97), _word("truyền", 85)) is True
    assert prefer_trueocr(_word("phần,", 91), _word("phẩn,", 95)) is False
    assert prefer_trueocr(_word("tô", 79), _word("tổ", 96)) is True  # both in use: Tesseract unsure
    assert prefer_trueocr(_word("thể", 95), _word("thế", 99)) is False  # both in use: Tesseract sure


def test_a_second_reading_of_the_line_settles_two_syllables_in_use():
    """Two syllables in use a tone apart (the real pages' words): a second reading of the line decides when it
    agrees with exactly one of them; it is not asked about numbers, and a word Tesseract read below 60 is
    left to the confidence rule (its own second reading would repeat its guess)."""
    # phone_nghidinh_p1's "hồ sơ": Tesseract "hồ" 90, TrueOCR "hổ" 89 — the thresholds alone take "hổ"
    assert prefer_trueocr(_word("hồ", 90), _word("hổ", 89)) is True
    assert prefer_trueocr(_word("hồ", 90), _word("hổ", 89), second="hồ") is False
    assert prefer_trueocr(_word("khân", 93), _word("khần", 89), second="khần") is True
    assert prefer_trueocr(_word("tô", 79), _word("tổ", 96), second="tô") is False
    assert prefer_trueocr(_word("tô", 79), _word("tổ", 96), second="tồ") is True  # agrees with neither
    # contract_page_3's "chuyển": Tesseract's "chuyên" at 56 is a guess, re-read the same: TrueOCR keeps it
    assert prefer_trueocr(_word("chuyên", 56), _word("chuyển", 91), second="chuyên") is True


def test_combine_reads_a_disputed_words_line_once_and_takes_the_agreeing_reading():
    """combine(read_line=…): the line of a disputed word is read again once (box widened), the second
    reading's word at the same place decides; undisputed words and number disputes ask nothing."""
    def word(text, left, conf, line=1):
        return engine.RecognisedWord(text=text, left=left, top=100 * line, width=40, height=20, confidence=conf,
                                     block=1, paragraph=1, line=line)

    tesseract = [word("hồ", 0, 90), word("sơ", 50, 96), word("2.1.", 100, 70), word("tô", 0, 79, line=2)]
    trueocr = [word("hổ", 0, 89), word("sơ", 50, 99), word("5.1.", 100, 99), word("tổ", 0, 96, line=2)]
    asked = []

    def read_line(box):
        asked.append(box)
        x0, y0 = box[:2]
        line = 1 if y0 < 150 else 2
        texts = {1: ["hồ", "sơ", "5.1."], 2: ["tổ"]}[line]
        return [word(t, 50 * k, 90, line=line) for k, t in enumerate(texts)]

    got = [w.text for w in combine(tesseract, trueocr, read_line)]
    assert got == ["hồ", "sơ", "5.1.", "tổ"], got  # "5.1.": the number vote as before (Tesseract unsure)
    assert len(asked) == 2 and asked[0] == (0, 90, 150, 130), asked  # one read a line: (0, 100, 140, 120) widened 0.3 × 20 + 4 px
    assert [w.text for w in combine(tesseract, trueocr)] == ["hổ", "sơ", "5.1.", "tổ"]  # no second reading


def test_word_vote_takes_the_reading_the_pages_agreed_word_pairs_support(monkeypatch):
    """With the page context on (`USE_CONTEXT`, off by default), two syllables in use a tone apart ("sổ" / "số"):
    the reading that stands beside the same neighbour where both engines read the pair alike elsewhere on the page
    wins, in a line either engine won, before the confidences; without such evidence the vote is as before."""
    monkeypatch.setattr(combined, "USE_CONTEXT", True)
    def word(text, left, conf, line):
        return engine.RecognisedWord(text=text, left=left, top=100 * line, width=40, height=20, confidence=conf,
                                     block=1, paragraph=1, line=line)

    def line(texts, line_no, conf):
        return [word(t, 50 * k, conf, line_no) for k, t in enumerate(texts)]

    # line 1: both engines read "Quyết định số 12" alike; line 2: TrueOCR "sổ" (sure), Tesseract "số" (unsure)
    tesseract = line(["Quyết", "định", "số", "12"], 1, 96) + line(["Căn", "cứ", "Quyết", "định", "số"], 2, 90)
    trueocr = line(["Quyết", "định", "số", "12"], 1, 99) + line(["Căn", "cứ", "Quyết", "định", "sổ"], 2, 99)
    assert prefer_trueocr(tesseract[-1], trueocr[-1]) is True  # the confidences alone take "sổ"
    got = [w.text for w in combine(tesseract, trueocr)]
    assert got[-1] == "số", got
    # a line TrueOCR won (Tesseract's reading of it has a misformed token): its "sổ" gives way to "số" as well
    tesseract2 = tesseract[:4] + line(["Căn", "cứ", "Qxzyết", "định", "số"], 2, 90)
    assert [w.text for w in combine(tesseract2, trueocr)][4:] == ["Căn", "cứ", "Quyết", "định", "số"]
    # no agreed pair beside it: as before
    lone = line(["Căn", "cứ", "Quyết", "định", "số"], 2, 90)
    assert [w.text for w in combine(lone, trueocr[4:])][-1] == "sổ"
    pairs = combined.agreed_pairs(tesseract, combined.match(tesseract, trueocr)).bigrams
    assert pairs[("quyết", "định")] == 2 and pairs[("định", "số")] == 1 and pairs[("định", "sổ")] == 0


def test_codes_with_a_lower_case_letter_are_well_formed():
    """Document numbers write "Chương trình" CTr and "Tờ trình" TTr (congvan_colour200_p2's "35-CTr/TU",
    chatapp70's "1899/SGDĐT-CTrTT"): a code, not garbage, for the line score and the word vote; a misread
    mixture of cases is still not."""
    for code in ("35-CTr/TU", "1899/SGDĐT-CTrTT.", "12/TTr-UBND", "12/TB-UBND", "29-NQ/TW,", "05/3/2021", "CH01234"):
        assert token_ok(code) is True, code
    for garbage in ("l5-Ab/cd", "1của", "qN8í1-81/ZI", "06/01/201x1"):
        assert token_ok(garbage) is False, garbage


def test_a_heading_word_in_capitals_is_voted_as_the_syllable_it_is():
    """"BAN" (TrueOCR, sure) against "BẠN" (Tesseract, unsure) in a heading: both syllables in use, so the
    confidences decide as for lower-case words; before, a word in capitals counted as a possible abbreviation
    and Tesseract's well-formed "BẠN" won by default. Abbreviations that are no syllable stay neutral."""
    assert token_ok("BAN") is None and combined.vote_ok("BAN") is True
    assert prefer_trueocr(_word("BẠN", 82), _word("BAN", 99)) is True
    assert combined.vote_ok("UBND") is None
    # a capital syllable read from garbage does not beat an abbreviation ("CH 01234", a certificate number)
    assert prefer_trueocr(_word("CH", 90), _word("HO", 99)) is None


def test_a_code_one_engine_cut_at_its_separators_is_joined():
    """congvan_colour200_p2: Tesseract "29-" "-NQ/TW," where TrueOCR read "29-NQ/TW," (one token, well-formed):
    the run becomes TrueOCR's token in the run's box; words cut elsewhere, or a token that is no code, stay."""
    def word(text, left, width, conf=95):
        return engine.RecognisedWord(text=text, left=left, top=100, width=width, height=20, confidence=conf,
                                     block=1, paragraph=1, line=1)

    tesseract = [word("số", 0, 30), word("29-", 40, 30), word("-NQ/TW,", 72, 60), word("Kết", 140, 30)]
    trueocr = [word("số", 0, 30, 99), word("29-NQ/TW,", 40, 92, 98), word("Kết", 140, 30, 99)]
    assert [w.text for w in combine(tesseract, trueocr)] == ["số", "29-NQ/TW,", "Kết"]
    joined = combined.join_split_codes(tesseract, trueocr)
    assert joined[2] is None and (joined[1].left, joined[1].width) == (40, 92)
    # the other way round (TrueOCR cut it, Tesseract read one token): joined as well
    cut = combined.join_split_codes(trueocr[:1] + [word("45", 40, 20), word("/2013", 62, 40)],
                                    [word("45/2013", 40, 62)])
    assert cut[0] is trueocr[0] and cut[1].text == "45/2013" and cut[2] is None
    # two words, not one cut code: "Quyết" "định" against a misread "Quyếtđịnh" stay two
    words = [word("Quyết", 0, 40), word("định", 45, 35)]
    assert combined.join_split_codes(words, [word("Quyếtđịnh", 0, 80)]) == words


def test_context_vote_is_off_by_default_and_can_be_turned_on(monkeypatch):
    def word(text, left, conf, line):
        return engine.RecognisedWord(text=text, left=left, top=100 * line, width=40, height=20, confidence=conf,
                                     block=1, paragraph=1, line=line)

    tesseract = [word("định", 0, 96, 1), word("số", 50, 96, 1), word("định", 0, 90, 2), word("số", 50, 90, 2)]
    trueocr = [word("định", 0, 99, 1), word("số", 50, 99, 1), word("định", 0, 99, 2), word("sổ", 50, 99, 2)]
    assert combined.USE_CONTEXT is False  # the default
    assert [w.text for w in combine(tesseract, trueocr)][-1] == "sổ"
    monkeypatch.setattr(combined, "USE_CONTEXT", True)
    assert [w.text for w in combine(tesseract, trueocr)][-1] == "số"


# -------------------------------------------------------------------------------- fault injection


class _Flaky:
    """An engine that fails on one page, told by its shape (the only page half as high as it is wide, in
    whatever turn or scale it is read), by raising or by reading nothing; Tesseract on the others."""

    wants_gray = False

    def __init__(self, mode: str):
        self.name, self.mode = f"flaky-{mode}", mode
        self.inner = engines.load_engine("tesseract")

    def recognise(self, image, bilevel=False, gray=None):
        height, width = image.shape[:2]
        if min(height, width) / max(height, width) > 0.45:
            if self.mode == "raise":
                raise MemoryError("injected failure")
            return []
        return self.inner.recognise(image, bilevel=bilevel)


@pytest.mark.parametrize("mode", ["raise", "nothing"])
def test_failing_engine_fails_only_its_page(mode, tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    from ingest.pipeline import process_bytes
    from tests.fixtures_files import FONT_PATH, multipage_tiff

    texts = ["Kính gửi Ủy ban nhân dân huyện Chợ Mới", "Tôi tên là Nguyễn Văn Bình thường trú",
             "Nay tôi làm đơn khiếu nại về việc thu hồi đất"]
    font = ImageFont.truetype(FONT_PATH, 40)
    images = []
    for number, text in enumerate(texts, 1):
        im = Image.new("L", (1654, 900 if number == 2 else 600), 255)
        ImageDraw.Draw(im).text((100, 250), text, font=font, fill=0)
        images.append(im)
    name = f"flaky-{mode}"
    engines.register(name, lambda lang, choice: _Flaky(mode))
    try:
        done = process_bytes(multipage_tiff(images, dpi=200), "three.tif",
                             replace(Settings(data_dir=tmp_path), ocr_engine=name))
    finally:
        engines.ENGINES.pop(name)
        engines.load_engine.cache_clear()
    pages = done.record.pages
    assert [p.number for p in pages] == [1, 2, 3] and not done.failed
    assert pages[0].text.split() == texts[0].split() and pages[2].text.split() == texts[2].split()
    assert pages[1].text == ""
    if mode == "raise":
        assert done.record.errors == ["page 2: OCR engine flaky-raise failed: MemoryError: injected failure"]
    else:
        assert done.record.errors == [] and pages[1].confidence is None
    assert "Chợ Mới" in done.record.text and "khiếu nại" in done.record.text and "Bình" not in done.record.text


def test_lines_engine_asks_tesseract_only_for_the_lines_trueocr_doubts(scan, readings, monkeypatch):
    """combined-lines with whole lines (DOUBT_CONTEXT None): TrueOCR's reading, each doubtful line (a word below
    LINE_DOUBT_BELOW, misformed or not in use) read again by the real Tesseract on its crop of the cleaned page,
    once; the result reads the page at least as well as TrueOCR alone (measured on this page: TrueOCR 0.954)."""
    from ocr.engines import combined
    from ocr.engines.combined import _lines

    monkeypatch.setattr(combined, "DOUBT_CONTEXT", None)

    original, cleaned, truth = scan
    tesseract = engines.load_engine("tesseract")
    asked = []

    def read_line(box):
        asked.append(box)
        x0, y0, x1, y1 = box
        found = tesseract.recognise_line(np.ascontiguousarray(cleaned.image[y0:y1, x0:x1]))
        for w in found:
            w.left, w.top = w.left + x0, w.top + y0
        return found

    lines = _lines(readings["trueocr"])
    doubted = [line for line in lines if doubtful(line)]
    assert 0 < len(doubted) < len(lines)
    words = combine_lines(readings["trueocr"], read_line)
    assert len(asked) == len(doubted)
    assert _recall(truth, [w.text for w in words]) >= _recall(truth, [w.text for w in readings["trueocr"]]) - 0.005
    assert engines.load_engine("combined-lines").name == "combined-lines"


def _line_word(text: str, left: int, confidence: float = 99.0) -> engine.RecognisedWord:
    return engine.RecognisedWord(text=text, left=left, top=100, width=40, height=30, confidence=confidence,
                                 block=1, paragraph=1, line=1)


def test_windows_are_the_doubtful_words_with_their_context(monkeypatch):
    """DOUBT_CONTEXT: a doubtful word (below LINE_DOUBT_BELOW, misformed, or not in use) and `context` words either
    side; stretches at most one word apart are one; a stretch over most of the line is the whole line."""
    from ocr.engines import combined
    from ocr.engines.combined import windows

    line = [_line_word(t, 50 * i) for i, t in enumerate("Kính gửi Ủy ban nhân dân huyện Chợ Mới tỉnh An Giang".split())]
    assert windows(line, context=2) == []  # nothing doubtful
    monkeypatch.setattr(combined, "DOUBT_CONTEXT", None)
    assert windows(line) == [(0, len(line))]  # whole lines
    line[1] = _line_word("gửi", 50, confidence=70.0)  # unsure
    line[9] = _line_word("tinh8", 450)  # misformed
    assert windows(line, context=1) == [(0, 3), (8, 11)]
    assert windows(line, context=2) == [(0, 4), (7, 12)]  # 4 and 7 are two words apart: not joined
    line[5] = _line_word("truyển", 250)  # well-formed, not in use: the windows come one word apart and join ...
    assert windows(line, context=2) == [(0, len(line))]  # ... over most of the line: the whole line
    line[9] = _line_word("tỉnh", 450)
    assert windows(line, context=1) == [(0, 7)]  # (0, 3) and (4, 7): one word apart


def test_lines_engine_with_windows_reads_only_around_the_doubtful_words(scan, readings, monkeypatch):
    """With DOUBT_CONTEXT the real Tesseract reads, of each doubtful line, only crops around its doubtful words
    (narrower than the line), and the result still reads the page at least as well as TrueOCR alone."""
    from ocr.engines import combined
    from ocr.engines.combined import _box, _lines, combine_lines, line_reader

    original, cleaned, truth = scan
    monkeypatch.setattr(combined, "DOUBT_CONTEXT", 1)
    monkeypatch.setattr(combined, "LINE_DOUBT_BELOW", 98.0)  # enough doubtful words on this light page
    reader = line_reader(engines.load_engine("tesseract"), cleaned.image, bilevel=cleaned.bilevel)
    asked = []

    def read_line(box):
        asked.append(box)
        return reader(box)

    lines = _lines(readings["trueocr"])
    doubted = [line for line in lines if doubtful(line)]
    words = combine_lines(readings["trueocr"], read_line)
    assert len(asked) >= len(doubted) > 0
    widths = {tuple(_box(line)[1::2]): _box(line)[2] - _box(line)[0] for line in doubted}
    narrower = sum(x1 - x0 < max(widths.values()) for x0, _, x1, _ in asked)
    assert narrower > 0
    assert _recall(truth, [w.text for w in words]) >= _recall(truth, [w.text for w in readings["trueocr"]]) - 0.005


def test_a_line_of_a_binarised_page_reads_the_same_as_one_bit(scan):
    """recognise_line(bilevel=True) hands a 0/255 crop to Tesseract as 1 bit a pixel: the same words."""
    _, cleaned, _ = scan
    assert cleaned.bilevel
    tesseract = engines.load_engine("tesseract")
    rows = np.flatnonzero((cleaned.image < 128).sum(axis=1) > 20)
    top = int(rows[0])
    crop = np.ascontiguousarray(cleaned.image[max(0, top - 10):top + 50])
    eight_bit = tesseract.recognise_line(crop)
    assert eight_bit and [w.text for w in tesseract.recognise_line(crop, bilevel=True)] == [w.text for w in eight_bit]


def test_undetected_bands_are_the_text_lines_outside_the_detected_ones():
    """undetected_bands: ink outside the given line boxes that looks like a text line (a line height high, wider
    than two) is found where it was drawn; specks and ink inside the boxes are not."""
    import cv2

    from ocr.engines.combined import undetected_bands

    page = np.full((600, 900), 255, np.uint8)
    cv2.putText(page, "Kinh gui Uy ban nhan dan", (60, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    cv2.putText(page, "huyen Cho Moi tinh An Giang", (60, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    page[500:503, 700:703] = 0  # a speck
    detected = [(50, 70, 560, 112)]  # the first line only
    bands = undetected_bands(page, detected)
    assert len(bands) == 1
    x0, y0, x1, y1 = bands[0]
    assert x0 <= 62 and y0 <= 275 and y1 >= 300 and x1 >= 500
    assert undetected_bands(page, detected + [(50, 265, 620, 312)]) == []
