"""The OCR engine seam: a page image in, words with boxes, confidences and layout numbers out.

An engine is any object with a `name` and `recognise(image, bilevel=False, gray=None) -> list[RecognisedWord]`
(ocr.engine.RecognisedWord: text, box in pixels of the image given, confidence 0-100, and block / paragraph /
line numbers from which ocr.engine.reading_order builds the reading order). It raises ocr.engine.EngineError
when it cannot read the page. `image` is ocr.clean's output (what Tesseract reads, often binarised); `gray`
is the page's own gray tones in the same geometry (deskewed, turned, rescaled, perspective-corrected, not
thresholded), for engines that read gray better (`wants_gray`; `read` makes it only for them). Engines here:
- "tesseract" (ocr.engines.tesseract): Tesseract `vie`, what donthu always used;
- "trueocr" (ocr.engines.trueocr): TrueOCR's ONNX line detector and recogniser;
- "combined" (ocr.engines.combined): both, line by line the reading that scores better;
- "combined-lines" (ocr.engines.combined.LinesEngine): TrueOCR on the page, Tesseract only around the words
  TrueOCR is unsure of — cheaper, but below "combined" on most real pages (docs/performance.md, "CPU per stage"
  and "Tesseract around the doubtful words only").
`Settings.ocr_engine` (DONTHU_OCR_ENGINE) chooses; `engine_for(settings)` returns the engine of this
process, loaded once (models are loaded once per worker process). `register` adds an engine factory under a
name (the test suite's fault-injecting engines use it, as OCRmyPDF's tests plug in crashing engines).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

import numpy as np

from ocr.engine import EngineError, RecognisedWord

__all__ = ["ENGINES", "EngineError", "OcrEngine", "RecognisedWord", "engine_for", "gray_view", "load_engine", "read",
           "register"]


class OcrEngine(Protocol):
    name: str
    #: the engine reads `gray` when given (TrueOCR: measured better on the page's gray tones than on
    #: ocr.clean's thresholded image, docs/quality.md)
    wants_gray: bool

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None) -> list[RecognisedWord]:
        """Words (non-empty, NFC) of a gray/binary/BGR uint8 page; boxes in pixels of `image`; `bilevel`:
        the image holds only 0 and 255; `gray`: the same page untresholded, same size."""
        ...


def gray_view(original: np.ndarray, transform, shape: tuple[int, ...]) -> np.ndarray:
    """The original page (gray, with red and blue ink whitened as ocr.clean does: stamps and signatures are
    not text) in the geometry of an image of `shape` that `transform` (ocr.clean.Transform: original →
    image) made from it."""
    import cv2

    from ocr.clean import remove_colour_ink

    gray = remove_colour_ink(original)[0] if original.ndim == 3 else original
    height, width = shape[:2]
    matrix = np.array(transform.matrix, np.float64)
    if np.allclose(matrix, np.eye(3)) and gray.shape[:2] == (height, width):
        return gray
    return cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def read(reader: OcrEngine, image: np.ndarray, transform, bilevel: bool = False,
         original: np.ndarray | None = None) -> list[RecognisedWord]:
    """`reader`'s words on `image`, made from the page as captured (`original`) by `transform`
    (ocr.clean.Transform): ocr.clean's output, or another way of reading the page (ocr.page)."""
    gray = None
    if original is not None and getattr(reader, "wants_gray", False):
        gray = gray_view(original, transform, image.shape)
    return reader.recognise(image, bilevel=bilevel, gray=gray)


def _tesseract(lang: str, choice: str) -> OcrEngine:
    from ocr.engines.tesseract import TesseractEngine

    return TesseractEngine(lang, choice=choice)


def _trueocr(lang: str, choice: str) -> OcrEngine:
    from ocr.engines.trueocr import TrueOcrEngine

    return TrueOcrEngine(threads=1)


def _combined(lang: str, choice: str) -> OcrEngine:
    from ocr.engines.combined import CombinedEngine

    return CombinedEngine(load_engine("tesseract", lang, choice), load_engine("trueocr", lang, choice))


def _combined_lines(lang: str, choice: str) -> OcrEngine:
    from ocr.engines.combined import LinesEngine

    return LinesEngine(load_engine("tesseract", lang, choice), load_engine("trueocr", lang, choice))


#: engine name → factory(lang, Tesseract back-end choice: Settings.ocr_backend)
ENGINES: dict[str, Callable[[str, str], OcrEngine]] = {
    "tesseract": _tesseract,
    "trueocr": _trueocr,
    "combined": _combined,
    "combined-lines": _combined_lines,
}


def register(name: str, factory: Callable[[str, str], OcrEngine]) -> None:
    """Make `factory(lang, choice)` the engine called `name` (replacing any engine of that name)."""
    ENGINES[name] = factory
    load_engine.cache_clear()


@functools.lru_cache(maxsize=8)
def load_engine(name: str, lang: str = "vie", choice: str = "") -> OcrEngine:
    """The engine `name` of this process for `lang` (`choice`: Settings.ocr_backend, Tesseract's back-end),
    loaded on first use and kept."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(f"unknown OCR engine {name!r} (known: {', '.join(sorted(ENGINES))})") from None
    return factory(lang, choice)


def engine_for(settings) -> OcrEngine:
    """The engine `settings.ocr_engine` names, for `settings.ocr_lang`."""
    return load_engine(settings.ocr_engine, settings.ocr_lang, settings.ocr_backend)
