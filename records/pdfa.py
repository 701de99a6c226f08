"""Searchable PDF/A of digitized documents: the page images as stored, under an invisible text layer made from
donthu's own OCR words and boxes, with the archival metadata in XMP (`records.archival`).

The law and the standard behind it:
- Luật Lưu trữ 2024 (Law 33/2024/QH15), Art. 29(2) and 34(3): digitized archival documents and their format;
- Circular 05/2025/TT-BNV (nghiệp vụ lưu trữ tài liệu lưu trữ số), Chapter II: the digitization procedure and
  the format of digitized documents (it details the law's Art. 29(2), 34(3), 36(7));
- Circular 02/2019/TT-BNV before it: PDF 1.4 or later, colour, at least 200 dpi, 100 % scale;
- TCVN 14159-2:2024 = ISO 19005-2 (PDF/A-2): what a file for long-term preservation may contain. This module
  writes PDF/A-2b ("basic": the pages look the same forever; the text layer makes it searchable).

How a file is made (`build`):
1. each page's text layer: the stored words (pixels of the served page image, `donthu.types.Word`) become an
   `ocrmypdf` OCR element tree (page → line → word) that OCRmyPDF's own fpdf2 renderer writes as invisible text
   (text render mode 3, each word stretched to its box) — the renderer OCRmyPDF uses for its own OCR output;
2. under the text, the page image: a JPEG stored by donthu is placed **as its bytes** (DCTDecode; an EXIF turn is
   a placement matrix, not a re-encode); any other image (PNG, TIFF, a PDF's page, a redacted page) as its
   decoded pixels, compressed losslessly (FlateDecode). Nothing is re-encoded lossily. The page size is the
   image at its dpi (100 % scale);
3. `pikepdf.pdfa.save` (PDF/A-2b: sRGB output intent, XMP identification, DocInfo agreeing with XMP) writes the
   file and **validates what it wrote** with pikepdf's allowlist PDF/A validator (it approves only what it knows
   to conform): a file that does not pass is not written (`PdfaError`). No Ghostscript is involved.

XMP may only use the namespaces PDF/A permits without an extension schema (pikepdf's validator accepts no
extension schemas), so the archival fields go into Dublin Core and XMP Rights (`records.archival.xmp_fields`)
and, every field with its Vietnamese label, into dc:description; the full metadata is also written beside the
PDF as JSON.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pikepdf

from donthu.types import Word

#: the PDF/A flavour written (ISO 19005-2 level b = TCVN 14159-2:2024)
FLAVOUR = "2b"
PRODUCER = "donthu (OCRmyPDF fpdf2 text layer, pikepdf PDF/A-2b)"


@dataclass
class PageRaster:
    """One page's picture for the PDF, in the pixel space of its word boxes (`width` x `height`).

    Exactly one of `jpeg` (a stored JPEG, placed as its bytes, turned `turn` degrees clockwise to stand
    upright) or `pixels` (uint8 gray (H, W) or BGR (H, W, 3), compressed losslessly) is the picture."""

    width: int
    height: int
    dpi: float
    jpeg: bytes | None = None
    turn: int = 0
    pixels: np.ndarray | None = None
    #: the JPEG's colour components (1 gray, 3 RGB)
    components: int = 3
    #: `pixels` already compressed (`compact`): RGB or gray rows, zlib
    flate: bytes | None = None

    def compact(self) -> "PageRaster":
        """Compress `pixels` now (a dossier's pages wait in memory as a fraction of their decoded size)."""
        if self.pixels is not None:
            pixels = np.ascontiguousarray(self.pixels)
            if pixels.ndim == 3:
                pixels = np.ascontiguousarray(pixels[:, :, 2::-1])  # BGR → RGB
            self.components = 3 if pixels.ndim == 3 else 1
            self.flate = zlib.compress(pixels.tobytes(), 6)
            self.pixels = None
        return self


@dataclass
class PdfPage:
    raster: PageRaster
    words: list[Word] = field(default_factory=list)


class PdfaError(Exception):
    """The file written did not pass PDF/A validation (the validator's findings in the message)."""


# ================================================================================================ text layer
def _ocr_tree(words: list[Word], width: int, height: int, dpi: float):
    """The page as an OCRmyPDF element tree: one line per (block, line) of the stored words, in reading order."""
    from ocrmypdf.hocrtransform import BoundingBox, OcrClass, OcrElement

    lines: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        if w.text.strip() and w.width > 0 and w.height > 0:
            lines.setdefault((w.block, w.line), []).append(w)
    children = []
    for line_words in lines.values():
        line_words.sort(key=lambda w: w.left)
        boxes = [_clip(w, width, height) for w in line_words]
        top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        elements = [OcrElement(ocr_class=OcrClass.WORD, text=w.text.strip(),
                               bbox=BoundingBox(b[0], b[1], b[2], b[3]), confidence=(w.confidence or 0) / 100)
                    for w, b in zip(line_words, boxes)]
        children.append(OcrElement(ocr_class=OcrClass.LINE, bbox=BoundingBox(left, top, right, bottom),
                                   children=elements, language="vie"))
    return OcrElement(ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height), dpi=dpi, children=children)


def _clip(w: Word, width: int, height: int) -> tuple[float, float, float, float]:
    left = min(max(0, w.left), width - 1)
    top = min(max(0, w.top), height - 1)
    return left, top, min(width, max(left + 1, w.left + w.width)), min(height, max(top + 1, w.top + w.height))


def _text_layer(pages: list[PdfPage]) -> bytes:
    """A PDF of the pages' invisible text only (OCRmyPDF's fpdf2 renderer), one page per page, sized at dpi."""
    import tempfile
    from pathlib import Path

    from ocrmypdf.font import MultiFontManager
    from ocrmypdf.font.font_provider import BuiltinFontProvider
    from ocrmypdf.fpdf_renderer import Fpdf2MultiPageRenderer

    trees = [(i, _ocr_tree(p.words, p.raster.width, p.raster.height, p.raster.dpi), p.raster.dpi)
             for i, p in enumerate(pages)]
    fonts = MultiFontManager(font_provider=BuiltinFontProvider())
    with tempfile.TemporaryDirectory(prefix="donthu-pdfa-") as tmp:
        out = Path(tmp) / "text.pdf"
        Fpdf2MultiPageRenderer(trees, fonts, invisible_text=True).render(out)
        return out.read_bytes()


# ================================================================================================ images
def _placement(turn: int, w: float, h: float) -> list[float]:
    """The matrix placing an image's unit square on a `w` x `h` pt page, turned `turn` degrees clockwise."""
    return {0: [w, 0, 0, h, 0, 0],
            90: [0, -h, w, 0, 0, h],
            180: [-w, 0, 0, -h, w, h],
            270: [0, h, -w, 0, w, 0]}[turn]


def _image_xobject(pdf: pikepdf.Pdf, raster: PageRaster) -> pikepdf.Stream:
    if raster.jpeg is not None:
        from PIL import Image

        with Image.open(io.BytesIO(raster.jpeg)) as im:
            width, height = im.size
        space = pikepdf.Name.DeviceGray if raster.components == 1 else pikepdf.Name.DeviceRGB
        return pikepdf.Stream(pdf, raster.jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                              Width=width, Height=height, ColorSpace=space, BitsPerComponent=8,
                              Filter=pikepdf.Name.DCTDecode)
    if raster.flate is None:
        raster.compact()
    space = pikepdf.Name.DeviceRGB if raster.components == 3 else pikepdf.Name.DeviceGray
    width, height = raster.width, raster.height
    return pikepdf.Stream(pdf, raster.flate, Type=pikepdf.Name.XObject,
                          Subtype=pikepdf.Name.Image, Width=width, Height=height, ColorSpace=space,
                          BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)


def _put_image_under_text(pdf: pikepdf.Pdf, page: pikepdf.Page, raster: PageRaster) -> None:
    box = page.mediabox
    w, h = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    name = pikepdf.Name("/DonthuPage")
    resources = page.obj.get("/Resources")
    if resources is None:
        page.obj.Resources = resources = pikepdf.Dictionary()
    if "/XObject" not in resources:
        resources.XObject = pikepdf.Dictionary()
    resources.XObject[name] = _image_xobject(pdf, raster)
    matrix = " ".join(f"{v:.6f}" for v in _placement(raster.turn if raster.jpeg is not None else 0, w, h))
    page.contents_add(pikepdf.Stream(pdf, f"q {matrix} cm {name} Do Q\n".encode()), prepend=True)


# ================================================================================================ metadata
def _set_metadata(pdf: pikepdf.Pdf, xmp: dict[str, object]) -> None:
    """Dublin Core / XMP / XMP Rights properties (`records.archival.xmp_fields`) into the XMP packet."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        for key, value in xmp.items():
            if value in (None, "", [], set()):
                continue
            meta[key] = value
        meta["pdf:Producer"] = PRODUCER
        meta["xmp:CreatorTool"] = "donthu"


@dataclass
class BuildReport:
    """What `build` wrote and what the validator said."""

    pdf: bytes
    pages: int
    validator: str
    verdict: str
    findings: list[str]


def build(pages: Iterable[PdfPage], xmp: dict[str, object]) -> BuildReport:
    """A PDF/A-2b of `pages` (their images under their invisible words) with `xmp` metadata, validated."""
    from pikepdf.pdfa import PdfaError as _PikepdfPdfaError
    from pikepdf.pdfa import save

    pages = list(pages)
    if not pages:
        raise ValueError("no pages to export")
    pdf = pikepdf.open(io.BytesIO(_text_layer(pages)))
    for key in ("/OpenAction", "/PageMode", "/PageLayout"):  # fpdf2's viewer settings: not needed, not allowed-listed
        if key in pdf.Root:
            del pdf.Root[key]
    for page, item in zip(pdf.pages, pages):
        _put_image_under_text(pdf, page, item.raster)
    _set_metadata(pdf, xmp)
    out = io.BytesIO()
    try:
        report = save(pdf, out, FLAVOUR, output_intent="sRGB")
    except _PikepdfPdfaError as exc:
        raise PdfaError(_describe(exc.report)) from exc
    return BuildReport(out.getvalue(), len(pages), f"pikepdf {pikepdf.__version__} pikepdf.pdfa (allowlist, "
                       f"PDF/A-{FLAVOUR})", str(report.verdict), _findings(report))


def _findings(report) -> list[str]:
    return [str(f) for f in getattr(report, "findings", [])]


def _describe(report) -> str:
    found = _findings(report)
    return f"PDF/A-{FLAVOUR} validation: {getattr(report, 'verdict', '?')}; " + "; ".join(found[:10])

