"""Exports for the archives: a document or a dossier as a searchable PDF/A with its archival metadata
(`records.pdfa`, `records.archival`), read through the one read path with the reader's permissions.

Used by the API (`GET /documents/{id}/archive.pdf`, `GET /dossiers/{id}/archive.pdf`, their `.json`), the web
pages and `donthu export`. What a reader gets:
- nothing unless their role may EXPORT the document's unit and the access level lets them in
  (`donthu.access.NotAllowed`), and only documents they may read: each read once, `records.read.read_readings`,
  and the `Reading` passed down to the metadata (`records.archival`, text fields masked) and the pages;
- for a denunciation and a reader not cleared to see the denouncer's identity, the **redacted copy**: page images
  with the boxes `records.redaction` burns in, and no word of the text layer under those boxes (the identity,
  the signature block, a handwritten page), so neither the picture nor a search of the PDF gives the identity
  away; its keywords never hold a masked name;
- otherwise the page images as stored (`page_raster`: a JPEG file's bytes as they are, other formats' pixels
  losslessly) under the page's own OCR words.
Pixels come from `ingest.pages.served_page` (what `page_image` serves), a PDF parsed once for all its pages
(`open_pdf`); the boxes from `records.redaction.served_boxes` (what the page-image route burns in).
Every export is written to the audit trail (`records.audit`, action `export`) by the caller.
"""

from __future__ import annotations

import io
import json
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import pikepdf
from PIL import Image

from donthu.access import Action, NotAllowed
from donthu.config import Settings
from donthu.types import Word
from ingest.pages import (_ANISOTROPY, _metadata_dpi, _open_image, _orientation, _page_rotation, _single_scan,
                          open_pdf, served_page, served_pdf_page)
from ingest.sniff import JPEG, PDF
from records import archival
from records.archival import Metadata
from records.pdfa import PageRaster, PdfPage, build
from records.read import Reader, Reading
from records.redaction import Box, draw_boxes, needs_redaction, served_boxes
from records.store import Store

#: dpi assumed for a photo whose file records none: its longer side as the long side of A4 (29.7 cm)
_A4_LONG_INCHES = 11.69
_TURN = {1: 0, 3: 180, 6: 90, 8: 270}


@dataclass
class Export:
    """One exported file: the PDF/A, its metadata JSON, the file name (by dossier code and document order)."""

    name: str
    pdf: bytes
    metadata: dict[str, Any]
    pages: int
    validator: str
    verdict: str
    redacted: bool


def _scan_jpeg(pages: Any, number: int) -> PageRaster | None:
    """A scanned PDF page's JPEG as stored in the PDF, when the page is that one image placed upright at square
    pixels (so the served image is exactly its decoding); None otherwise. `pages`: the PDF open (`open_pdf`)."""
    layout, text_page = served_pdf_page(pages, number)
    if text_page is not None:
        return None
    draw = _single_scan(layout)
    if draw is None or draw.xobject is None or _page_rotation(pages.pdf.pages[number - 1]) != 0:
        return None
    image = draw.xobject
    filters = image.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters != "/DCTDecode" or image.get("/ColorSpace") not in ("/DeviceGray", "/DeviceRGB") \
            or int(image.get("/BitsPerComponent", 8)) != 8 \
            or any(k in image for k in ("/SMask", "/Mask", "/Decode", "/ImageMask", "/DecodeParms")):
        return None
    a, b, c, d, _, _ = draw.ctm
    if b != 0 or c != 0 or a <= 0 or d <= 0:
        return None
    width, height = int(image.Width), int(image.Height)
    dpi_x, dpi_y = width / (a / 72.0), height / (d / 72.0)
    if max(dpi_x, dpi_y) / min(dpi_x, dpi_y) > _ANISOTROPY:
        return None
    raw = image.read_raw_bytes()
    with Image.open(io.BytesIO(raw)) as im:
        if im.size != (width, height) or im.mode not in ("L", "RGB"):
            return None
        components = 1 if im.mode == "L" else 3
    return PageRaster(width, height, round((dpi_x + dpi_y) / 2, 1), jpeg=raw, components=components)


def _jpeg_file(data: bytes) -> PageRaster | None:
    """A single-frame JPEG file as its own bytes, turned by its EXIF orientation when that is a turn (not a
    mirror); None when it must be placed as pixels."""
    with _open_image(data) as im:
        turn = _TURN.get(_orientation(im))
        dpi_x, dpi_y = _metadata_dpi(im)
        size = im.size if turn in (0, 180) else im.size[::-1]
        plain = im.mode in ("L", "RGB") and turn is not None and (dpi_x is None or dpi_x == dpi_y)
        components = 1 if im.mode == "L" else 3
    if not plain:
        return None
    dpi = dpi_x or max(size) / _A4_LONG_INCHES
    return PageRaster(size[0], size[1], float(dpi), jpeg=data, turn=turn, components=components)


def page_raster(data: bytes, mime: str, number: int, settings: Settings, pdf: Any = None
                ) -> tuple[PageRaster, Any]:
    """Page `number` as stored — a single-frame JPEG, or the JPEG of a scanned PDF page, as its own bytes (same
    size as the served image); anything else as the served image's pixels (`ingest.pages.served_page`) — and
    the served image when it was decoded on the way (else None). `pdf`: the PDF open (`open_pdf`)."""
    stored = None
    if pdf is not None:
        stored = _scan_jpeg(pdf, number)
    elif mime == JPEG and number == 1:
        stored = _jpeg_file(data)
    if stored is not None:
        return stored, None
    image, dpi = served_page(data, mime, number, settings, pdf)
    raster = PageRaster(image.shape[1], image.shape[0], float(dpi or max(image.shape[:2]) / _A4_LONG_INCHES),
                        pixels=image)
    return raster, image


def _inside(word: Word, boxes: list[Box]) -> bool:
    x0, y0, x1, y1 = word.left, word.top, word.left + word.width, word.top + word.height
    return any(x0 < r and x1 > left and y0 < b and y1 > top for left, top, r, b in boxes)


def _pages(store: Store, reading: Reading, reader: Reader, settings: Settings) -> tuple[list[PdfPage], bool]:
    """The document's pages for the PDF as `reader` may have them; and whether they were redacted. The original
    is read once and a PDF parsed once for all its pages."""
    info, record = reading.info, reading.full
    redact = needs_redaction(record, reader)
    data = store.read_original(info.sha256)
    out = []
    with open_pdf(data, settings) if info.mime == PDF else nullcontext() as pdf:
        for page in record.pages:
            raster, served = page_raster(data, info.mime, page.number, settings, pdf)
            boxes, scale, words = served_boxes(store, info.id, record, page.number, raster.width, raster.height)
            if redact and boxes:
                if served is None:
                    served, _ = served_page(data, info.mime, page.number, settings, pdf)
                raster = PageRaster(raster.width, raster.height, raster.dpi,
                                    pixels=draw_boxes(served, boxes, served.shape[1] / raster.width * scale))
                words = [w for w in words if not _inside(w, boxes)]
            if scale != 1.0:  # words in another pixel space than the image placed
                words = [Word(w.text, round(w.left * scale), round(w.top * scale), round(w.width * scale),
                              round(w.height * scale), w.confidence, w.line, w.block) for w in words]
            out.append(PdfPage(raster.compact(), words))
    return out, redact


def _exportable(reading: Reading, reader: Reader) -> None:
    info = reading.info
    if info.record is None or info.status != "done":
        raise LookupError(f"document {info.id} not found or not processed")
    if reader.principal is not None and not reader.principal.may_on(Action.EXPORT, info.unit):
        raise NotAllowed(f"{reader.name} may not export documents")


def _pdfa(pages: list[PdfPage], meta: Metadata, dossier: Metadata | None) -> Any:
    return build(pages, archival.xmp_fields(meta, dossier))


def export_document(store: Store, document_id: int, reader: Reader, settings: Settings) -> Export:
    """One document as a searchable PDF/A named `<dossier code>.<order>.pdf` (`<VB id>.pdf` outside a dossier)."""
    reading, meta, dossier = archival.read_document_metadata(store, document_id, reader, Action.EXPORT)
    _exportable(reading, reader)
    pages, redacted = _pages(store, reading, reader, settings)
    report = _pdfa(pages, meta, dossier)
    payload = {"document": meta.as_json(), "dossier": dossier.as_json() if dossier else None,
               "redacted": redacted, "pdfa": {"flavour": "PDF/A-2b", "validator": report.validator,
                                               "verdict": report.verdict}}
    name = archival.file_stem(meta.values["document_code"])
    return Export(name, report.pdf, payload, report.pages, report.validator, report.verdict, redacted)


def export_dossier(store: Store, dossier_id: int, reader: Reader, settings: Settings) -> Export:
    """A dossier as one searchable PDF/A, its documents in order, named `<dossier code>.pdf`."""
    dossier, docs = archival.read_dossier_metadata(store, dossier_id, reader, Action.EXPORT)
    pages: list[PdfPage] = []
    documents, any_redacted = [], False
    for _, reading, meta in docs:
        if reading.info.status != "done":
            continue
        _exportable(reading, reader)
        doc_pages, redacted = _pages(store, reading, reader, settings)
        any_redacted |= redacted
        documents.append({**meta.as_json(), "first_page": len(pages) + 1, "redacted": redacted})
        pages.extend(doc_pages)
    if not pages:
        raise LookupError(f"dossier {dossier_id} has no processed document")
    report = _pdfa(pages, dossier, None)
    payload = {"dossier": dossier.as_json(), "documents": documents, "redacted": any_redacted,
               "pdfa": {"flavour": "PDF/A-2b", "validator": report.validator, "verdict": report.verdict}}
    return Export(archival.file_stem(dossier.values["dossier_code"]), report.pdf, payload, report.pages,
                  report.validator, report.verdict, any_redacted)


def metadata_json(export: Export) -> bytes:
    return json.dumps(export.metadata, ensure_ascii=False, indent=2).encode("utf-8")
