"""ocr.quality: a reading of a page is judged by confidence and by whether its words are Vietnamese."""

from dataclasses import dataclass

from donthu.config import load_settings
from ocr import quality


@dataclass
class W:
    text: str
    confidence: float


def _words(text: str, confidence: float) -> list[W]:
    return [W(token, confidence) for token in text.split()]


GOOD = ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Số: 1906/UBND-KT Độc lập - Tự do - Hạnh phúc "
        "Về việc giải quyết đơn khiếu nại của ông Nguyễn Văn Bình ngày 05 tháng 3 năm 2021")
#: plain Tesseract on an upside-down certificate photo and a broken scanner text layer: what bad readings look like
GARBAGE = ("nộ Ta GẦU 2IA HH ý VEOIG Rớ VN hrh ôi 'a¿lựi ỤI1 ẤN UY BAN NHAN DAN CONG HOA xA HQI CilU "
           "NGHIA VIT NAM oÂ[ố L0HN iê VỆIN ĐA Đị 11eiA ¿ IP")


def test_a_good_reading_is_acceptable_and_outscores_garbage():
    good = quality.judge(_words(GOOD, 93.0))
    bad = quality.judge(_words(GARBAGE, 93.0))
    assert good.acceptable
    assert good.valid_share == 1.0
    assert bad.valid_share < quality.ACCEPT_VALID_SHARE
    assert not bad.acceptable
    assert good.score > bad.score


def test_low_confidence_is_not_acceptable_even_with_valid_words():
    assert not quality.judge(_words(GOOD, 40.0)).acceptable


def test_score_grows_with_text_read_and_ignores_punctuation():
    short = quality.judge(_words("Về việc giải quyết đơn", 90.0))
    long = quality.judge(_words(GOOD, 90.0))
    assert long.score > short.score
    punctuation = quality.judge(_words("- — . , ;", 99.0))
    assert punctuation.words == 0 and punctuation.confidence is None and not punctuation.acceptable


def test_quality_control_can_be_switched_off_in_one_place():
    assert load_settings({}).ocr_quality_control is True
    assert load_settings({"DONTHU_OCR_QUALITY_CONTROL": "0"}).ocr_quality_control is False


def test_a_short_clean_reading_beats_noise_read_as_many_tokens():
    """A decision's last page (the 'Nơi nhận' block and a signature) read cleanly beside the same page read
    without clean-up, where the signature and stamp became a hundred one-letter 'words' (seed 31, d31-00018
    page 2: the noise reading had won by counting them)."""
    clean = quality.judge(_words("Nơi nhận: - Như Điều 3; - Thanh tra tỉnh; - Lưu: VT. CHỦ TỊCH Nguyễn Văn An",
                                 71.0))
    noise = quality.judge(_words("+. -VY x/*.-: * ‡ %+ . K v % vũ * s1 St .. im) ` —=mmÊ W ỷ`. Ê : XÃ . h - . ° h “ « "
                                 "sở Vì ì + M.. 4 > + .: ă - M_. ” _ HN TYÀ.. li. - = L - ư vY rủ P % ° Á lÀ.Í.. "
                                 "t> - h - kì ˆ - l — * xẻ ba jlã. P sử L JẲ ) 2S c^ âu m., dấu L _ \\h „ * HN, `. "
                                 "Đế TIM. á. X TU N ý kằn 2, a b c d e g h i k l m n o p q r s t u v x y", 25.0))
    assert noise.words > 3 * clean.words
    assert clean.score > noise.score


def test_judged_confidence_is_the_engine_mean_the_page_reports():
    from ocr import engine

    words = _words(GOOD, 90.0) + _words("-- .", 10.0) + _words("Số 12", 61.5) + _words(GARBAGE, 33.3)
    assert quality.judge(words).confidence == engine.mean_confidence(words)


def _flattened_as_read(image, first, settings):
    """ocr.page.flattened's reading of `first`'s page, and the image (with its bilevel flag) it handed the engine:
    the settings' own engine (real), recording what it is given."""
    from dataclasses import replace

    from ocr import engines, page

    given = []
    inner = engines.engine_for(settings)

    class Recording:
        name, wants_gray = "recording", inner.wants_gray

        def recognise(self, image, bilevel=False, gray=None):
            given.append((image, bilevel))
            return inner.recognise(image, bilevel=bilevel, gray=gray)

    engines.register("recording", lambda lang, choice: Recording())
    try:
        again = page.flattened(image, first, replace(settings, ocr_engine="recording"))
    finally:
        engines.ENGINES.pop("recording")
        engines.load_engine.cache_clear()
    (read,) = given
    return again, read


def test_the_flattened_rereading_reads_a_patterned_page_and_maps_its_words_back():
    """ocr.page.flattened: small dark-grey print on a pink guilloche-like pattern (what the land-use certificate
    photos show), read again from its gray tones at 20 px text: every drawn word is read, and each word's box,
    mapped back through the rescale, lies on the line where it was drawn on the original page."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from donthu.config import Settings
    from ocr import clean, page

    lines = ["Ủy ban nhân dân quận bốn", "Bảng kê tọa độ góc thửa", "Số vào sổ cấp giấy chứng nhận"]
    yy, xx = np.mgrid[0:420, 0:900]
    image = np.full((420, 900, 3), 255, np.uint8)
    image[np.abs(np.sin(xx / 9.0 + 3 * np.sin(yy / 17.0))) < 0.25] = (205, 170, 235)  # BGR pink lines
    drawing = Image.fromarray(image[..., ::-1].copy())
    pen = ImageDraw.Draw(drawing)
    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSerif.ttf", 15)
    drawn = []
    for i, line in enumerate(lines):
        pen.text((60, 80 + 100 * i), line, font=font, fill=(60, 60, 60))
        drawn.append(pen.textbbox((60, 80 + 100 * i), line, font=font))
    image = np.array(drawing)[..., ::-1].copy()

    settings = Settings(workers=1)
    cleaned = clean.clean(image, 96)
    first = page._read(page.PATH_CLEAN, cleaned.image, cleaned.transform, settings, bilevel=cleaned.bilevel,
                       original=image)
    again, (read, bilevel) = _flattened_as_read(image, first, settings)
    assert again.path == "clean, gray, background flattened"
    assert read.ndim == 2 and not bilevel and len(np.unique(read)) > 2  # gray tones, not thresholded
    boxes = again.transform.boxes_to_original(
        np.array([[w.left, w.top, w.width, w.height] for w in again.found], np.float64))
    for line, (x0, y0, x1, y1) in zip(lines, drawn):
        on_line = [w.text for w, (left, top, width, height) in zip(again.found, boxes)
                   if top >= y0 - 6 and top + height <= y1 + 6 and left >= x0 - 6 and left + width <= x1 + 6]
        assert " ".join(on_line) == line, (line, on_line)


def test_the_flattened_rereading_whitens_a_tables_rules_and_reads_its_cells():
    """ocr.page.flattened whitens ruling lines and table borders as the clean-up does (a coordinate table of a
    land-use certificate: on the two certificate photos the flattened reading found 72 and 67 words with its
    rules whitened against 69 and 62 without, docs/quality.md): the image read has no long dark rule left and
    every number drawn in the table's cells is read."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    from donthu.config import Settings
    from ocr import clean, page

    rows = [["1", "1189771.56", "605000.76", "2.32"], ["2", "1189773.48", "605002.07", "3.62"],
            ["3", "1189771.56", "605005.14", "2.08"]]
    columns = [40, 120, 320, 500, 620]
    drawing = Image.new("RGB", (680, 330), (236, 232, 228))  # grey paper, as photographed
    pen = ImageDraw.Draw(drawing)
    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSans.ttf", 16)
    pen.text((60, 30), "Bảng kê tọa độ góc thửa", font=font, fill=(50, 50, 50))
    top, step = 80, 60
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            pen.text((columns[j] + 14, top + i * step + 20), cell, font=font, fill=(50, 50, 50))
    for k in range(len(rows) + 1):
        pen.line([(columns[0], top + k * step), (columns[-1], top + k * step)], fill=(40, 40, 40), width=2)
    for x in columns:
        pen.line([(x, top), (x, top + len(rows) * step)], fill=(40, 40, 40), width=2)
    image = np.array(drawing)[..., ::-1].copy()

    settings = Settings(workers=1)
    cleaned = clean.clean(image, 96)
    first = page._read(page.PATH_CLEAN, cleaned.image, cleaned.transform, settings, bilevel=cleaned.bilevel,
                       original=image)
    again, (read, _) = _flattened_as_read(image, first, settings)
    assert again.path.endswith(page.FLATTENED)
    dark = read < 128
    assert dark.sum(axis=1).max() < 0.5 * (columns[-1] - columns[0]) * read.shape[1] / image.shape[1]  # no rule row
    assert dark.sum(axis=0).max() < 0.5 * len(rows) * step * read.shape[0] / image.shape[0]  # no rule column
    found = [w.text.strip(".,;:|") for w in again.found]
    for row in rows:
        for cell in row[1:]:
            assert cell in found, (cell, found)


def _drawn_page(size: int, lines: list[str]):
    """Black print of `lines` in FreeSerif at `size` px on white paper, as a low-resolution scan gives it."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/freefont/FreeSerif.ttf", size)
    drawing = Image.new("RGB", (int(size * 34), int(size * (2.2 * len(lines) + 4))), (255, 255, 255))
    pen = ImageDraw.Draw(drawing)
    for i, line in enumerate(lines):
        pen.text((2 * size, 2 * size + int(2.2 * size * i)), line, font=font, fill=(20, 20, 20))
    return np.array(drawing)[..., ::-1].copy()


SMALL_PRINT = ["Ủy ban nhân dân tỉnh An Giang đã nhận được đơn khiếu nại",
               "của ông Nguyễn Văn Bình về việc bồi thường khi thu hồi đất",
               "tại xã Mỹ Hòa Hưng, thành phố Long Xuyên, tỉnh An Giang."]


def test_small_print_is_read_flattened_and_ordinary_print_from_the_clean_up():
    """ocr.page.choose_reading: print smaller than SMALL_TEXT_BELOW as captured (a chat-app copy, a low-resolution
    scan) is read from its flattened gray tones in the cleaned page's geometry, once when that reading is acceptable
    (SMALL_TEXT_FIRST; else read both ways, the flattened reading kept); print of ordinary size is read once from the
    clean-up's output."""
    from collections import Counter

    from corpus.realpages import recall
    from corpus.realpages import words as truth_words
    from donthu.config import Settings
    from donthu.types import PageImage
    from ocr import clean, page

    settings = Settings(workers=1)
    small = _drawn_page(15, SMALL_PRINT)  # ~11 px text
    assert clean.clean(small).scanned_text_height < page.SMALL_TEXT_BELOW
    truth = Counter(truth_words(" ".join(SMALL_PRINT)))
    done = page.ocr_page(PageImage(number=1, source="ocr", image=small, dpi=72), settings)
    assert done.ocr_path == page.PATH_SMALL_TEXT + page.FLATTENED
    assert not any(n.startswith("ocr path: ") for n in done.notes), done.notes  # one reading: acceptable
    assert recall(truth, done.text).value >= 0.9, done.text
    kept = page.SMALL_TEXT_FIRST
    try:
        page.SMALL_TEXT_FIRST = False
        both = page.ocr_page(PageImage(number=1, source="ocr", image=small, dpi=72), settings)
    finally:
        page.SMALL_TEXT_FIRST = kept
    assert both.ocr_path == page.PATH_SMALL_TEXT + page.FLATTENED
    assert any(n.startswith("ocr path: ") and "small text; tried clean (" in n for n in both.notes), both.notes
    assert recall(truth, both.text).value >= 0.9, both.text

    ordinary = _drawn_page(40, SMALL_PRINT[:1])  # ~28 px text
    assert clean.clean(ordinary).scanned_text_height >= page.SMALL_TEXT_BELOW
    done = page.ocr_page(PageImage(number=1, source="ocr", image=ordinary, dpi=300), settings)
    assert done.ocr_path == page.PATH_CLEAN and not any(n.startswith("ocr path: ") for n in done.notes)
