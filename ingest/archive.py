"""Exports for the archives: a document or a dossier as a searchable PDF/A with its archival metadata
(`records.pdfa`, `records.archival`), read through the one read path with the reader's permissions.

Used by the API (`GET /documents/{id}/archive.pdf`, `GET /dossiers/{id}/archive.pdf`, their `.json`), the web
pages and `donthu export`. What a reader gets:
- nothing unless their role may EXPORT the document's unit and the access level lets them in
  (`records.archival.NotAllowed`), and only documents they may read (`records.read`);
- for a denunciation and a reader not cleared to see the denouncer's identity, the **redacted copy**: page images
  with the boxes `records.redaction` burns in, and no word of the text layer under those boxes (the identity,
  the signature block, a handwritten page), so neither the picture nor a search of the PDF gives the identity
  away; its keywords never hold a masked name;
- otherwise the page images as stored (`page_raster`: a JPEG file's bytes as they are, other formats' pixels
  losslessly) under the page's own OCR words.
Every export is written to the audit trail (`records.audit`, action `export`) by the caller.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pikepdf
from PIL import Image

from donthu.access import Action
from donthu.config import Settings
from donthu.types import Word
from ingest.pages import (_ANISOTROPY, _PdfPages, _metadata_dpi, _open_image, _orientation, _page_rotation,
                          _single_scan, page_at, page_image)
from ingest.sniff import JPEG, PDF
from records import archival
from records.archival import NotAllowed
from records.pdfa import PageRaster, PdfPage, build
from records.read import SYSTEM, Reader, read_document
from records.redaction import needs_redaction, page_boxes
from records.store import DocumentInfo, Store

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


def _scan_jpeg(data: bytes, number: int, settings: Settings) -> tuple[bytes, int, int, float] | None:
    """A scanned PDF page's JPEG as stored in the PDF (bytes, width, height, dpi), when the page is that one
    image placed upright at square pixels (so the served image is exactly its decoding); None otherwise."""
    with _PdfPages(data, settings) as pages:
        if not 1 <= number <= pages.count:
            return None
        layout = pages.layout(number - 1)
        if pages.trusted_text_page(number - 1, layout)[0] is not None:
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
        return image.read_raw_bytes(), width, height, (dpi_x + dpi_y) / 2


def page_raster(data: bytes, mime: str, number: int, settings: Settings) -> PageRaster:
    """Page `number` as stored: a single-frame JPEG, or the JPEG of a scanned PDF page, as its own bytes (a JPEG
    file turned by its EXIF orientation when that is a turn, not a mirror; same size as the served image);
    anything else as the served image's pixels."""
    if mime == PDF:
        found = _scan_jpeg(data, number, settings)
        if found is not None:
            raw, width, height, dpi = found
            with Image.open(io.BytesIO(raw)) as im:
                components = 1 if im.mode == "L" else 3
                ok = im.size == (width, height) and im.mode in ("L", "RGB")
            if ok:
                return PageRaster(width, height, round(dpi, 1), jpeg=raw, components=components)
    if mime == JPEG and number == 1:
        with _open_image(data) as im:
            turn = _TURN.get(_orientation(im))
            dpi_x, dpi_y = _metadata_dpi(im)
            size = im.size if turn in (0, 180) else im.size[::-1]
            plain = im.mode in ("L", "RGB") and turn is not None and (dpi_x is None or dpi_x == dpi_y)
            components = 1 if im.mode == "L" else 3
        if plain:
            dpi = dpi_x or max(size) / _A4_LONG_INCHES
            return PageRaster(size[0], size[1], float(dpi), jpeg=data, turn=turn, components=components)
    page = page_at(data, mime, number, settings)
    if page.source == "text":
        image = page_image(data, mime, number, settings)
        dpi = float(settings.preview_dpi)
    else:
        if page.image is None:
            raise ValueError(page.error or f"page {number} could not be read")
        image = page.image
        dpi = page.dpi or max(image.shape[:2]) / _A4_LONG_INCHES
    return PageRaster(image.shape[1], image.shape[0], float(dpi), pixels=image)


def _inside(word: Word, boxes: list[tuple[int, int, int, int]]) -> bool:
    x0, y0, x1, y1 = word.left, word.top, word.left + word.width, word.top + word.height
    return any(x0 < r and x1 > left and y0 < b and y1 > top for left, top, r, b in boxes)


def _redacted(raster: PageRaster, boxes: list[tuple[int, int, int, int]], served: Any) -> PageRaster:
    from records.redaction import draw_boxes

    pixels = draw_boxes(served, boxes, served.shape[1] / raster.width)
    return PageRaster(raster.width, raster.height, raster.dpi, pixels=pixels)


def _pages(store: Store, info: DocumentInfo, reader: Reader, settings: Settings) -> tuple[list[PdfPage], bool]:
    """The document's pages for the PDF as `reader` may have them; and whether they were redacted."""
    system = read_document(store, info.id, SYSTEM)
    record = system.record
    redact = needs_redaction(record, reader)
    data = store.read_original(info.sha256)
    out = []
    for page in record.pages:
        raster = page_raster(data, info.mime, page.number, settings)
        words = store.page_words(info.id, page.number)
        stored = store.page(info.id, page.number)
        if stored is not None and stored.width and stored.width != raster.width:  # words in another pixel space
            scale = raster.width / stored.width
            words = [Word(w.text, round(w.left * scale), round(w.top * scale), round(w.width * scale),
                          round(w.height * scale), w.confidence, w.line, w.block) for w in words]
        if redact:
            boxes = page_boxes(record, page.number, words, raster.width, raster.height)
            if boxes:
                served = raster.pixels if raster.pixels is not None else page_image(data, info.mime, page.number,
                                                                                    settings)
                raster = _redacted(raster, boxes, served)
                words = [w for w in words if not _inside(w, boxes)]
        out.append(PdfPage(raster.compact(), words))
    return out, redact


def _visible_document(store: Store, document_id: int, reader: Reader) -> DocumentInfo:
    info = read_document(store, document_id, reader)
    if info is None or info.record is None or info.status != "done":
        raise LookupError(f"document {document_id} not found or not processed")
    if reader.principal is not None and not reader.principal.may_on(Action.EXPORT, info.unit):
        raise NotAllowed(f"{reader.name} may not export documents")
    return info


def export_document(store: Store, document_id: int, reader: Reader, settings: Settings) -> Export:
    """One document as a searchable PDF/A named `<dossier code>.<order>.pdf` (`<VB id>.pdf` outside a dossier)."""
    info = _visible_document(store, document_id, reader)
    meta = archival.document_metadata(store, document_id, reader, Action.EXPORT)
    dossier = (archival.dossier_metadata(store, info.dossier_id, reader, Action.EXPORT)
               if info.dossier_id is not None else None)
    pages, redacted = _pages(store, info, reader, settings)
    report = build(pages, archival.xmp_fields(meta, dossier))
    payload = {"document": meta.as_json(), "dossier": dossier.as_json() if dossier else None,
               "redacted": redacted, "pdfa": {"flavour": "PDF/A-2b", "validator": report.validator,
                                               "verdict": report.verdict}}
    name = archival.file_stem(meta.values["document_code"])
    return Export(name, report.pdf, payload, report.pages, report.validator, report.verdict, redacted)


def export_dossier(store: Store, dossier_id: int, reader: Reader, settings: Settings) -> Export:
    """A dossier as one searchable PDF/A, its documents in order, named `<dossier code>.pdf`."""
    docs = archival.dossier_documents(store, dossier_id, reader)
    dossier = archival.dossier_metadata(store, dossier_id, reader, Action.EXPORT)
    pages: list[PdfPage] = []
    documents, any_redacted = [], False
    for _, seen in docs:
        if seen.record is None or seen.status != "done":
            continue
        info = _visible_document(store, seen.id, reader)
        meta = archival.document_metadata(store, info.id, reader, Action.EXPORT, dossier)
        doc_pages, redacted = _pages(store, info, reader, settings)
        any_redacted |= redacted
        documents.append({**meta.as_json(), "first_page": len(pages) + 1, "redacted": redacted})
        pages.extend(doc_pages)
    if not pages:
        raise LookupError(f"dossier {dossier_id} has no processed document")
    report = build(pages, archival.xmp_fields(dossier))
    payload = {"dossier": dossier.as_json(), "documents": documents, "redacted": any_redacted,
               "pdfa": {"flavour": "PDF/A-2b", "validator": report.validator, "verdict": report.verdict}}
    return Export(archival.file_stem(dossier.values["dossier_code"]), report.pdf, payload, report.pages,
                  report.validator, report.verdict, any_redacted)


def metadata_json(export: Export) -> bytes:
    return json.dumps(export.metadata, ensure_ascii=False, indent=2).encode("utf-8")
