"""One file in, one Record out: sniff → pages → OCR or text layer → understanding.

Pure with respect to storage: `process_bytes` stores and indexes nothing (that is `ingest.tasks`), so
`donthu process --json`, the evaluation and the workers all run exactly the same code.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Callable

from donthu.config import Settings
from donthu.schema import PageText, Record, with_analysis
from donthu.text import nfc
from donthu.types import DonthuError, PageImage, PageResult
from ingest.pages import count_pages, iter_pages
from ingest.sniff import sniff

ProgressCallback = Callable[[int, int], None]  # (pages_done, pages_total)


@dataclass
class ProcessedDocument:
    record: Record
    pages: list[PageResult]
    seconds: dict[str, float] = field(default_factory=dict)
    #: the whole file could not be read (no page came out); record.errors says why
    failed: bool = False


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_page(page: PageImage, settings: Settings) -> PageResult:
    """OCR an image page, or take a text-layer page as it is; the page's own notes (a rejected text layer)
    come first in the result's."""
    if page.error:
        return PageResult(number=page.number, source=page.source, text="", confidence=None,
                          width=page.width, height=page.height, error=page.error, notes=list(page.notes))
    if page.source == "text":
        return PageResult(number=page.number, source="text", text=nfc(page.text or ""), confidence=None,
                          words=page.words, width=page.width, height=page.height, notes=list(page.notes))
    from ocr.handwriting import flag
    from ocr.page import ocr_page

    result = ocr_page(page, settings)
    result.notes[:0] = [n for n in page.notes if n not in result.notes]
    return flag(page.image, result)


def join_pages(pages: list[PageResult]) -> str:
    return "\n\n".join(p.text for p in pages if p.text)


def all_failed(pages: list[PageResult]) -> bool:
    """No page could be read: the document as a whole has failed."""
    return not pages or all(p.error for p in pages)


def assemble(record: Record, pages: list[PageResult]) -> Record:
    """Page results → the record's pages and text → understanding (local pipeline and distributed finish)."""
    from classify import analyse

    record = record.model_copy(deep=True)
    record.pages = [
        PageText(number=p.number, source=p.source,
                 confidence=None if p.confidence is None else round(p.confidence, 2), text=p.text,
                 notes=list(p.notes), ocr_path=p.ocr_path, handwritten=p.handwritten)
        for p in pages
    ]
    record.handwritten = any(p.handwritten for p in pages)
    record.text = join_pages(pages)
    analysis = analyse(record.text)
    return with_analysis(record, analysis)


def process_bytes(
    data: bytes,
    filename: str,
    settings: Settings,
    *,
    on_page: ProgressCallback | None = None,
) -> ProcessedDocument:
    """Run the whole pipeline on one file's bytes. Never raises for bad input: errors go in the record."""
    seconds: dict[str, float] = {}
    record = Record(file=filename, sha256=sha256_hex(data), mime="application/octet-stream")
    pages: list[PageResult] = []

    t = time.perf_counter()
    try:
        record.mime = sniff(data)
        total = count_pages(data, record.mime, settings)
    except DonthuError as exc:
        record.errors.append(str(exc))
        return ProcessedDocument(record, pages, seconds, failed=True)
    seconds["sniff"] = time.perf_counter() - t

    seconds["pages"] = seconds["ocr"] = 0.0
    try:
        t = time.perf_counter()
        for page in iter_pages(data, record.mime, settings):
            seconds["pages"] += time.perf_counter() - t
            t = time.perf_counter()
            result = read_page(page, settings)
            seconds["ocr"] += time.perf_counter() - t
            if result.error:
                record.errors.append(f"page {result.number}: {result.error}")
            pages.append(result)
            if on_page:
                on_page(len(pages), total)
            t = time.perf_counter()
    except DonthuError as exc:
        record.errors.append(str(exc))
        if not pages:
            return ProcessedDocument(record, pages, seconds, failed=True)

    t = time.perf_counter()
    record = assemble(record, pages)
    seconds["classify"] = time.perf_counter() - t
    return ProcessedDocument(record, pages, seconds, failed=all_failed(pages))
