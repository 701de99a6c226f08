"""One scanned page → PageResult: clean-up (ocr.clean), recognition (ocr.engine), boxes mapped back onto
the original page image."""

from __future__ import annotations

import time

import numpy as np

from donthu.config import Settings
from donthu.types import PageImage, PageResult, Word
from ocr import clean as clean_steps
from ocr import engine


def ocr_page(page: PageImage, settings: Settings) -> PageResult:
    """Clean up (ocr.clean.clean) and recognise (ocr.engine) an OCR page.

    Word boxes are in pixels of `page.image` as given (rescale, deskew, quarter turns and the perspective
    correction of a photographed sheet undone); confidence is the mean over words with a letter or digit;
    text is NFC in reading order; `seconds` has one entry per step, `notes` says what clean-up did.
    Never raises for a bad page: `error` is set instead.
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

    start = time.perf_counter()
    try:
        found = engine.recognise(cleaned.image, lang=settings.ocr_lang, bilevel=cleaned.bilevel,
                                 choice=settings.ocr_backend)
    except engine.EngineError as exc:
        result.error = str(exc)
        return result
    finally:
        result.seconds["tesseract"] = round(time.perf_counter() - start, 4)

    paragraphs = engine.reading_order(found)
    lines = [line for paragraph in paragraphs for line in paragraph]
    ordered = [(index, found_word) for index, line in enumerate(lines) for found_word in line]
    boxes = cleaned.transform.boxes_to_original(
        np.array([[w.left, w.top, w.width, w.height] for _, w in ordered], np.float64)
    )
    words = [
        Word(text=found_word.text, left=int(box[0]), top=int(box[1]), width=int(box[2]), height=int(box[3]),
             confidence=found_word.confidence, line=index, block=found_word.block)
        for (index, found_word), box in zip(ordered, boxes)
    ]
    result.words = words
    result.text = engine.ordered_text(paragraphs)
    result.confidence = engine.mean_confidence(found)
    return result
