"""One scanned page → PageResult: clean-up (ocr.clean), recognition (ocr.engine), page-level quality control
(ocr.quality) and word boxes mapped back onto the original page image.

Quality control: the cleaned page is read first (print smaller than 16 px as captured: from its flattened gray
tones, `small_text`). When that reading is poor (low confidence or few valid
Vietnamese syllables), the page is read other ways that real captures need — the cleaned page turned half
round (an upside-down photo), the page as captured without clean-up (enlarged when its text is small), the
cleaned page turned a quarter either way — and the reading with the best quality score is kept. The page
records which way won and why (`PageResult.ocr_path` and a note). The kept reading's words are then checked
against the other readings, word by word at the same place (ocr.reading_vote: a misformed word, a syllable
nobody writes or an unsure word another reading reads better is taken from it).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import cv2
import numpy as np

from donthu.config import Settings
from donthu.types import PageImage, PageResult, Word
from ocr import clean as clean_steps
from ocr import engine, engines, quality, reading_vote

#: the ways of reading a page, as recorded in `PageResult.ocr_path`
PATH_CLEAN = "clean"
PATH_CLEAN_TURNED = "clean, turned 180°"
PATH_ORIGINAL = "original"
PATH_ORIGINAL_ENLARGED = "original, enlarged"
PATH_CLEAN_QUARTER = "clean, turned 90°"
PATH_CLEAN_THREE_QUARTERS = "clean, turned 270°"
#: the cleaned page of small print (`small_text`), re-read flattened whatever its first reading (+ FLATTENED): not
#: a poor first reading, so the web pages do not label it as one (api.web.OCR_PATH_LABELS)
PATH_SMALL_TEXT = "clean, small text"
#: suffix of the path of a reading re-made from the page's gray tones with its background flattened
FLATTENED = ", gray, background flattened"
#: the page as captured is enlarged before reading when its text is smaller than this (px)
ENLARGE_BELOW_TEXT_HEIGHT = 20.0
ENLARGED_TEXT_HEIGHT = 30.0
#: the flattened re-reading brings the text to this height (px): measured on the two land-certificate photos
#: (patterned and shadowed paper, 9-12 px text): 20 px read 66 and 63 words, 28 px 63 and 57, 36 px 64 and 57
FLATTENED_TEXT_HEIGHT = 20.0
#: whether a page whose first reading was poor is also read flattened (off: the readings before 2026-12-07 evening,
#: for measurements)
REREAD_FLATTENED = True
#: whether the flattened re-reading has its ruling lines and table borders whitened (ocr.clean.remove_long_runs):
#: measured on the two land-certificate photos (tables, parcel diagrams), words found 69 → 72 of 109 and
#: 62 → 67 of 95 (docs/quality.md, branch ocr14); off: the re-reading of branch ocr13, for measurements
REMOVE_RULES_FLATTENED = True
#: quarter turns are tried only when the best reading so far is this poor (confidence)
QUARTER_TURN_BELOW_CONFIDENCE = 60.0
#: a page whose text was smaller than this as captured (px; enlarged by the clean-up: a low-resolution scan, a
#: chat-app copy, a phone photo of a whole sheet) is read flattened (`flattened`, in the cleaned page's geometry)
#: instead of from the clean-up's masked output: on the four such transcribed printed pages (8-12 px text) the
#: flattened reading found 473 / 153 / 251 / 318 words against the cleaned reading's 468 / 152 / 250 / 317
#: (docs/quality.md, branch ocr16). The same bound as ocr.clean.MIN_SPECK_TEXT_HEIGHT.
SMALL_TEXT_BELOW = 16.0
#: whether such pages are read flattened too (off: the readings before branch ocr16, for measurements)
REREAD_SMALL_TEXT = True
#: such pages are read flattened *instead of* from the clean-up's output (one reading, as before, when it is
#: acceptable); False: read both ways, the flattened reading kept and voted with the first (twice the CPU)
SMALL_TEXT_FIRST = True
#: whether the kept reading of a page read several ways has its words checked against the other readings
#: (ocr.reading_vote; off: the readings before branch ocr16, for measurements)
VOTE_WITH_OTHER_READINGS = True


@dataclass
class Reading:
    """One way of reading a page: what the OCR engine found on `image`, and how `image` maps to the page."""

    path: str
    found: list[engine.RecognisedWord]
    transform: clean_steps.Transform
    quality: quality.PageQuality
    seconds: float
    shape: tuple[int, ...] | None = None  # of the image the engine read (`flattened` re-reads in its geometry)


def _read(path: str, image: np.ndarray, transform: clean_steps.Transform, settings: Settings,
          bilevel: bool = False, original: np.ndarray | None = None) -> Reading:
    """`original`: the page as captured, for engines that read its gray tones (ocr.engines.read)."""
    start = time.perf_counter()
    found = engines.read(engines.engine_for(settings), image, transform, bilevel=bilevel, original=original)
    return Reading(path, found, transform, quality.judge(found), time.perf_counter() - start, image.shape)


def _turned(image: np.ndarray, transform: clean_steps.Transform, degrees: int
            ) -> tuple[np.ndarray, clean_steps.Transform]:
    turned, step = clean_steps.rotate_quarter(image, degrees)
    return turned, transform.then(step)


def _original(image: np.ndarray) -> tuple[np.ndarray, clean_steps.Transform, bool]:
    """The page as captured, gray, enlarged when its text is small: (image, transform, enlarged)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_BGR2GRAY)
    transform = clean_steps.Transform.identity(gray.shape[1], gray.shape[0])
    height = clean_steps.estimate_text_height(gray)
    if height and height < ENLARGE_BELOW_TEXT_HEIGHT:
        gray, step = clean_steps.rescale(gray, ENLARGED_TEXT_HEIGHT / height)
        return gray, transform.then(step), True
    return gray, transform, False


def alternatives(image: np.ndarray, cleaned: clean_steps.CleanResult, best: Callable[[], Reading],
                 settings: Settings):
    """The other ways of reading a page, cheapest and likeliest first; each is read only when asked for."""

    def turned(path: str, degrees: int) -> Callable[[], Reading]:
        return lambda: _read(path, *_turned(cleaned.image, cleaned.transform, degrees), settings,
                             bilevel=cleaned.bilevel, original=image)

    def original() -> Reading:
        gray, transform, enlarged = _original(image)
        return _read(PATH_ORIGINAL_ENLARGED if enlarged else PATH_ORIGINAL, gray, transform, settings, original=image)

    yield turned(PATH_CLEAN_TURNED, 180)
    yield original
    if (best().quality.confidence or 0.0) < QUARTER_TURN_BELOW_CONFIDENCE:
        yield turned(PATH_CLEAN_QUARTER, 90)
        yield turned(PATH_CLEAN_THREE_QUARTERS, 270)


def flattened(image: np.ndarray, reading: Reading, settings: Settings) -> Reading:
    """`reading`'s page again in the same geometry (turned, deskewed, perspective-corrected), but from the page's
    own gray tones (colour ink whitened, not thresholded), its text brought to FLATTENED_TEXT_HEIGHT and its
    paper divided out (ocr.clean.flatten_background): a patterned or shadowed background, which thresholding
    turns into specks and broken strokes, becomes white while faint small print keeps its tones."""
    gray = engines.gray_view(image, reading.transform, reading.shape or image.shape)
    transform = reading.transform
    height = clean_steps.estimate_text_height(gray)
    if height:
        gray, step = clean_steps.rescale(gray, FLATTENED_TEXT_HEIGHT / height)
        transform = transform.then(step)
    gray = clean_steps.flatten_background(gray, FLATTENED_TEXT_HEIGHT if height else None)
    if height and REMOVE_RULES_FLATTENED:
        # ruling lines and table borders whitened as the clean-up does (ocr.clean.remove_long_runs): the page is
        # in the deskewed geometry of `reading`, so they run along the axes
        gray, _ = clean_steps.remove_long_runs(gray, FLATTENED_TEXT_HEIGHT)
    return _read(reading.path + FLATTENED, gray, transform, settings)


def choose_reading(image: np.ndarray, cleaned: clean_steps.CleanResult, settings: Settings
                   ) -> tuple[Reading, list[Reading]]:
    """The best reading of a page by quality score, and every reading tried (the cleaned page first).

    Alternatives are read only while no reading is acceptable (`quality.PageQuality.acceptable`). A page whose
    text was small as captured (`small_text`) is first read flattened in the cleaned page's geometry instead
    (SMALL_TEXT_FIRST; else read as cleaned and, when that is acceptable, flattened as well, that reading kept)."""
    small = small_text(cleaned) and settings.ocr_quality_control
    if small and SMALL_TEXT_FIRST:
        # the cleaned page's geometry read from its flattened gray tones instead of the clean-up's masked ink
        geometry = Reading(PATH_SMALL_TEXT, [], cleaned.transform, quality.judge([]), 0.0, cleaned.image.shape)
        tried = [replace(flattened(image, geometry, settings), path=PATH_SMALL_TEXT + FLATTENED)]
    else:
        tried = [_read(PATH_CLEAN, cleaned.image, cleaned.transform, settings, bilevel=cleaned.bilevel,
                       original=image)]

    def best() -> Reading:
        return max(tried, key=lambda r: r.quality.score)

    if not tried[0].quality.acceptable and settings.ocr_quality_control:
        for read in alternatives(image, cleaned, best, settings):
            tried.append(read())
            if tried[-1].quality.acceptable:
                break
        # a page whose first reading was poor is a hard capture (photo, pattern, shadow): the best geometry
        # found is read once more from its gray tones with the paper flattened (unless it was read so already)
        if REREAD_FLATTENED and not best().path.endswith(FLATTENED):
            tried.append(flattened(image, best(), settings))
    elif small and not SMALL_TEXT_FIRST:
        # small print enlarged by the clean-up reads better from its gray tones, paper divided out, than from
        # the clean-up's masked ink: kept whatever the scores (they differ by < 1 % on such pages)
        tried.append(replace(flattened(image, tried[0], settings), path=PATH_SMALL_TEXT + FLATTENED))
        return tried[-1], tried
    return best(), tried


def small_text(cleaned: clean_steps.CleanResult) -> bool:
    """Whether the page's text was smaller than SMALL_TEXT_BELOW as captured (and REREAD_SMALL_TEXT is on)."""
    height = cleaned.scanned_text_height
    return REREAD_SMALL_TEXT and height is not None and height < SMALL_TEXT_BELOW


def voted(chosen: Reading, tried: list[Reading]) -> tuple[Reading, int]:
    """`chosen` with the words the other readings of the page read better taken from them
    (ocr.reading_vote.vote), and how many; `chosen` itself when it is the only reading."""
    others = [reading_vote.OtherReading(r.found, r.transform, r.quality.score) for r in tried if r is not chosen]
    if not others or not VOTE_WITH_OTHER_READINGS:
        return chosen, 0
    found, replaced = reading_vote.vote(chosen.found, chosen.transform, chosen.quality.score, others)
    if not replaced:
        return chosen, 0
    return Reading(chosen.path, found, chosen.transform, quality.judge(found), chosen.seconds, chosen.shape), replaced


def _choice_note(chosen: Reading, tried: list[Reading]) -> str | None:
    if len(tried) == 1:
        return None
    parts = [f"{r.path} ({r.quality.describe()}, score {r.quality.score:g})" for r in tried]
    why = "first reading poor" if not tried[0].quality.acceptable else "small text"
    return f"ocr path: {chosen.path} — {why}; tried " + "; ".join(parts)


def ocr_page(page: PageImage, settings: Settings) -> PageResult:
    """Clean up (ocr.clean.clean), recognise (ocr.engine) and, when the reading is poor, try other readings.

    Word boxes are in pixels of `page.image` as given (rescale, deskew, quarter turns and the perspective
    correction of a photographed sheet undone); confidence is the mean over words with a letter or digit;
    text is NFC in reading order; `seconds` has one entry per step, `notes` says what clean-up did and which
    reading was kept. Never raises for a bad page: `error` is set instead.
    """
    image = page.image
    height, width = (image.shape[:2] if isinstance(image, np.ndarray) and image.ndim >= 2 else (page.height, page.width))
    result = PageResult(number=page.number, source="ocr", text="", confidence=None, width=width, height=height)
    if page.error:
        result.error = page.error
        return result
    if not isinstance(image, np.ndarray) or image.size == 0 or image.ndim not in (2, 3):
        result.error = "page has no image to read"
        return result
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[..., 0]
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)

    try:
        cleaned = clean_steps.clean(image, page.dpi, osd=engine.osd_rotation)
    except Exception as exc:  # noqa: BLE001 - an ugly page must not stop a batch
        result.error = f"image clean-up failed: {exc}"
        return result
    result.seconds.update(cleaned.seconds)
    result.notes.extend(cleaned.notes)
    if "blank page" in cleaned.notes:
        return result

    try:
        chosen, tried = choose_reading(image, cleaned, settings)
    except engine.EngineError as exc:
        result.error = str(exc)
        return result
    except Exception as exc:  # noqa: BLE001 - an engine's bug fails this page, not the batch
        result.error = f"OCR engine {settings.ocr_engine} failed: {type(exc).__name__}: {exc}"
        return result
    result.seconds[settings.ocr_engine] = round(sum(r.seconds for r in tried), 4)  # the step: the engine
    result.ocr_path = chosen.path
    note = _choice_note(chosen, tried)
    if note:
        result.notes.append(note)
    chosen, replaced = voted(chosen, tried)
    if replaced:
        result.notes.append(f"{replaced} words taken from other readings of the page (ocr.reading_vote)")

    found = chosen.found
    paragraphs = engine.reading_order(found)
    lines = [line for paragraph in paragraphs for line in paragraph]
    ordered = [(index, found_word) for index, line in enumerate(lines) for found_word in line]
    boxes = chosen.transform.boxes_to_original(
        np.array([[w.left, w.top, w.width, w.height] for _, w in ordered], np.float64)
    )
    result.words = [
        Word(text=found_word.text, left=int(box[0]), top=int(box[1]), width=int(box[2]), height=int(box[3]),
             confidence=found_word.confidence, line=index, block=found_word.block)
        for (index, found_word), box in zip(ordered, boxes)
    ]
    result.text = engine.ordered_text(paragraphs)
    result.confidence = chosen.quality.confidence  # engine.mean_confidence's mean, already taken by quality.judge
    return result
