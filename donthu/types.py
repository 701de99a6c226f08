"""Typed objects passed between pipeline stages (in memory, never through temporary files).

ingest.pages  →  PageImage        (one per page: an image to OCR, or a text layer)
ocr           →  PageResult       (text, words with boxes, confidence)
classify      →  donthu.schema.Analysis
records/search store and index the donthu.schema.Record plus the PageResults.

Coordinates: every word box is in pixels of the page image that `ingest.pages.page_image()` returns for
that page (the image the API serves at /documents/{id}/pages/{n}/image), origin top-left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np


class DonthuError(Exception):
    """Base class of errors that are recorded against a file (never crash a batch)."""


class UnsupportedFile(DonthuError):
    """The content is not a format donthu reads (or is empty / truncated / corrupt)."""


class EncryptedFile(DonthuError):
    """A password-protected PDF."""


class TooLarge(DonthuError):
    """File, page count or pixel count over the configured limits (decompression bombs included)."""


@dataclass
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float | None = None  # 0-100, None for text-layer words
    line: int = 0  # reading-order line index within the page
    block: int = 0


@dataclass
class PageImage:
    """One page as ingest hands it to OCR.

    Exactly one of `image` (to OCR) or `text` (a text layer read with pdfplumber) is the page's content;
    a text page still has width/height of its preview image so word boxes can be drawn.
    """

    number: int  # 1-based
    source: Literal["ocr", "text"]
    image: np.ndarray | None = None  # uint8, gray (H, W) or BGR (H, W, 3)
    dpi: float | None = None
    text: str | None = None
    words: list[Word] = field(default_factory=list)
    width: int = 0
    height: int = 0
    error: str | None = None  # a page that could not be read (the rest of the file goes on)
    notes: list[str] = field(default_factory=list)  # e.g. "text layer rejected: ..." (copied to PageResult)


@dataclass
class PageResult:
    number: int
    source: Literal["ocr", "text"]
    text: str
    confidence: float | None  # mean word confidence 0-100 for OCR pages
    words: list[Word] = field(default_factory=list)
    width: int = 0
    height: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # time per step
    notes: list[str] = field(default_factory=list)  # e.g. "rotated 90", "deskewed 1.8°", "binarised: sauvola"
    error: str | None = None
    ocr_path: str | None = None  # which reading of an OCR page was kept (ocr.page: "clean", "original", ...)
    handwritten: bool = False  # judged handwritten (ocr.handwriting): a person types it (records.typed)
