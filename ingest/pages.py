"""Page images of a file: what OCR reads, or a PDF page's own text layer.

PDF pages are decided one by one (mixed files exist):
* a page with a visible text layer (≥ 20 characters, not an invisible OCR layer and not hidden under a
  full-page scan) that reads as the language (`ocr.textlayer.judge_text_layer`: valid Vietnamese syllables,
  diacritics, few unmapped glyphs; not a pre-Unicode font encoding) is a "text" page: its text and word
  boxes come from `ocr.textlayer` (characters from pdfium's text page, or pdfplumber's where pdfium's
  coordinates do not map simply), in pixels of the preview render at `settings.preview_dpi` (what
  `page_image` serves). A layer that does not read as the language is not used: the page is read like a
  scan (below) and the reason goes in the page's `notes` ("text layer rejected: 62% valid syllables, ...");
* a page that is one image covering the page is an "ocr" page whose embedded image is taken as stored
  (no re-render, no resampling), turned upright by the placement matrix and /Rotate; its dpi is the image's
  pixels over its placed size in inches (= the page size for a full-page scan);
* any other page is rendered with pdfium at `settings.render_dpi`.
TIFF (multi-page), PNG and JPEG go through Pillow (EXIF orientation honoured); HEIC phone photos are
decoded to PNG first (ingest.heif).

Images are uint8: gray (H, W), or BGR (H, W, 3) when the page has colour (a render or an RGB scan whose
pixels are all neutral gray is returned as gray; a red stamp or blue ink keeps the page in colour).

Limits (decompression bombs included) are checked from headers before any pixel is decoded.
"""

from __future__ import annotations

import io
import re
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
import pikepdf
from PIL import Image, ImageOps

from donthu.config import Settings
from donthu.types import DonthuError, EncryptedFile, PageImage, TooLarge, UnsupportedFile
from ingest.heif import HEIC, decode_to_png
from ingest.sniff import JPEG, PDF, PNG, sniff, TIFF
from ocr.textlayer import judge_text_layer, pdfium_chars_enabled, PdfiumChars, read_text_layer

#: a page has a meaningful text layer with at least this many visible non-space characters
MIN_TEXT_CHARS = 20
#: an image "covers the page" when its placed box covers this share of the crop box
FULL_PAGE_COVERAGE = 0.85
#: other images on a scanned page may cover at most this share before the page is rendered instead
OTHER_IMAGES_COVERAGE = 0.02
#: dpi read from image metadata is believed within this range ...
_PLAUSIBLE_DPI = (70.0, 1200.0)
#: ... and when the page it implies is between a business card and A0 (inches, longer side)
_PLAUSIBLE_INCHES = (2.0, 48.0)
#: x/y resolutions differing more than this (fax: 204 x 98 dpi) are resampled to square pixels
_ANISOTROPY = 1.1
_FORM_DEPTH = 6

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


# ================================================================================================ public API
def count_pages(data: bytes, mime: str, settings: Settings) -> int:
    """Number of pages; raises EncryptedFile / UnsupportedFile / TooLarge (file bytes)."""
    _check_file_size(data, settings)
    if mime == PDF:
        with _open_pdf(data) as pdf:
            return len(pdf.pages)
    if mime in (TIFF, PNG, JPEG):
        with _open_image(data) as im:
            return _frame_count(im, mime)
    if mime == HEIC:
        return 1  # its primary image (decoded when read: a damaged photo fails then, with the reason)
    raise UnsupportedFile(f"unsupported type {mime}")


def iter_pages(data: bytes, mime: str, settings: Settings) -> Iterator[PageImage]:
    """One PageImage per page, lazily (only one page's pixels in memory at a time)."""
    _check_file_size(data, settings)
    data, mime = _decoded(data, mime)
    if mime == PDF:
        yield from _iter_pdf(data, settings)
    elif mime in (TIFF, PNG, JPEG):
        yield from _iter_image_file(data, mime, settings)
    else:
        raise UnsupportedFile(f"unsupported type {mime}")


def page_image(data: bytes, mime: str, number: int, settings: Settings) -> np.ndarray:
    """The image served for page `number` (1-based); word boxes are in its pixel space."""
    return served_page(data, mime, number, settings)[0]


def served_page(data: bytes, mime: str, number: int, settings: Settings, pdf: "_PdfPages | None" = None
                ) -> tuple[np.ndarray, float | None]:
    """`page_image` and the dpi of its pixels (None: an image file that records none). `pdf`: the PDF already
    open (`open_pdf`), so several pages of one file are served from one parse."""
    if pdf is not None:
        return _served_pdf_image(pdf, number)
    _check_file_size(data, settings)
    data, mime = _decoded(data, mime)
    if mime == PDF:
        with _PdfPages(data, settings) as pages:
            return _served_pdf_image(pages, number)
    if mime in (TIFF, PNG, JPEG):
        with _open_image(data) as im:
            _seek_frame(im, mime, number)
            return _frame_to_array(im, settings)
    raise UnsupportedFile(f"unsupported type {mime}")


def open_pdf(data: bytes, settings: Settings) -> "_PdfPages":
    """A PDF opened once to serve several of its pages (`served_page(..., pdf=)`, `served_pdf_page`); a context
    manager that closes it."""
    _check_file_size(data, settings)
    return _PdfPages(data, settings)


def _served_pdf_image(pages: "_PdfPages", number: int) -> tuple[np.ndarray, float]:
    layout, text_page = served_pdf_page(pages, number)
    if text_page is not None:
        return pages.render(number - 1, pages.settings.preview_dpi), float(pages.settings.preview_dpi)
    page = pages.ocr_page(number - 1, layout)
    if page.image is None:
        raise UnsupportedFile(page.error or f"page {number} could not be read")
    return page.image, float(page.dpi) if page.dpi else None


def served_pdf_page(pages: "_PdfPages", number: int) -> tuple[_Layout, PageImage | None]:
    """Page `number` (1-based) of a PDF being served: its layout and its trusted text page (None: OCR'd);
    decided once per page of an open PDF."""
    if not 1 <= number <= pages.count:
        raise IndexError(f"page {number} out of range 1..{pages.count}")
    if number not in pages.served:
        layout = pages.layout(number - 1)
        pages.served[number] = (layout, pages.trusted_text_page(number - 1, layout)[0])
    return pages.served[number]


def _seek_frame(im: Image.Image, mime: str, number: int) -> None:
    """Put an image file on its frame `number` (1-based; TIFF pages), or IndexError."""
    count = _frame_count(im, mime)
    if not 1 <= number <= count:
        raise IndexError(f"page {number} out of range 1..{count}")
    if count > 1:
        im.seek(number - 1)


def page_preview(data: bytes, mime: str, number: int, settings: Settings) -> tuple[np.ndarray, float]:
    """`page_image` within the pixel budget `settings.preview_max_pixels`, and the scale it was served at
    (served pixels per word-box pixel; 1.0 when the page fits). A larger page is decoded reduced where the
    format allows it (JPEG's DCT scaling, PDF rendered at a lower dpi) and scaled down to fit, so a
    13000 x 13000 px page costs a fraction of its full decode and never a full-size PNG encode."""
    budget = settings.preview_max_pixels
    _check_file_size(data, settings)
    data, mime = _decoded(data, mime)
    if mime == PDF:
        with _PdfPages(data, settings) as pages:
            layout, text_page = served_pdf_page(pages, number)
            if text_page is not None:
                width, height = pages.render_size(number - 1, settings.preview_dpi)
                scale = min(1.0, math.sqrt(budget / max(1, width * height)))
                image, _ = _fit(pages.render(number - 1, settings.preview_dpi * scale), budget)  # rounding
                return image, image.shape[1] / width
            page = pages.ocr_page(number - 1, layout)
            if page.image is None:
                raise UnsupportedFile(page.error or f"page {number} could not be read")
            return _fit(page.image, budget)
    if mime in (TIFF, PNG, JPEG):
        with _open_image(data) as im:
            _seek_frame(im, mime, number)
            _check_pixels(im.width, im.height, settings, "image")
            full_width, full_height = _upright_size(im)
            scale = min(1.0, math.sqrt(budget / (full_width * full_height)))
            if scale >= 1.0:
                image, _ = _frame_to_array(im, settings)
                return image, 1.0
            return _reduced_frame(im, mime, full_width, full_height, scale)
    raise UnsupportedFile(f"unsupported type {mime}")


def _fit(image: np.ndarray, budget: int) -> tuple[np.ndarray, float]:
    height, width = image.shape[:2]
    if width * height <= budget:
        return image, 1.0
    scale = math.sqrt(budget / (width * height))
    size = (max(1, int(width * scale)), max(1, int(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), size[0] / width


_TRANSPOSE = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
              5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}


def _upright_size(im: Image.Image) -> tuple[int, int]:
    """The size `_frame_to_array` gives this frame (EXIF orientation, square pixels), without decoding it."""
    width, height = im.size
    dpi_x, dpi_y = _metadata_dpi(im)
    if _orientation(im) in (5, 6, 7, 8):
        width, height, dpi_x, dpi_y = height, width, dpi_y, dpi_x
    if dpi_x and dpi_y and max(dpi_x, dpi_y) / max(1e-6, min(dpi_x, dpi_y)) > _ANISOTROPY:
        dpi = max(dpi_x, dpi_y)
        width, height = round(width * dpi / dpi_x), round(height * dpi / dpi_y)
    return width, height


def _reduced_frame(im: Image.Image, mime: str, full_width: int, full_height: int, scale: float
                   ) -> tuple[np.ndarray, float]:
    """The current frame decoded reduced (JPEG: DCT scaling; others: Pillow's box reduce after decoding),
    upright, then resized to exactly `scale` times the full upright size."""
    orientation = _orientation(im)
    target = (max(1, int(full_width * scale)), max(1, int(full_height * scale)))
    if mime == JPEG:
        im.draft(im.mode if im.mode in ("L", "RGB") else None, (max(1, int(im.width * scale)),
                                                               max(1, int(im.height * scale))))
    im.load()
    # resized by Pillow before anything becomes a numpy array: the full-size pixels are never copied
    size = (target[1], target[0]) if orientation in (5, 6, 7, 8) else target
    reduced = _resizable(im).resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    if orientation in _TRANSPOSE:
        reduced = reduced.transpose(_TRANSPOSE[orientation])
    array = _pil_to_array(reduced)
    if (array.shape[1], array.shape[0]) != target:
        array = cv2.resize(array, target, interpolation=cv2.INTER_AREA)
    return array, target[0] / full_width


def _resizable(im: Image.Image) -> Image.Image:
    """The frame in a mode Pillow resizes with a box filter (what `_pil_to_array` then turns into gray/BGR)."""
    if im.mode in ("L", "RGB", "RGBA", "LA", "I", "F"):
        return im
    if im.mode == "1":
        return im.convert("L")
    if im.mode.startswith("I;16"):
        return im.convert("I")
    if im.mode in ("P", "PA"):
        return im.convert("RGBA" if im.mode == "PA" or "transparency" in im.info else "RGB")
    return im.convert("RGB")


def page_at(data: bytes, mime: str, number: int, settings: Settings) -> PageImage:
    """Page `number` (1-based) of a file as `ingest.pages.iter_pages` yields it, without the pages before
    it for PDF (a worker reads one page of a long file, not all of them)."""
    if mime == PDF:
        with _PdfPages(data, settings) as pdf:
            if not 1 <= number <= pdf.count:
                raise IndexError(f"page {number} out of range 1..{pdf.count}")
            return pdf.page(number - 1)
    for page in iter_pages(data, mime, settings):  # TIFF frames: decoded in order
        if page.number == number:
            return page
    raise IndexError(f"page {number} not in file")


def _decoded(data: bytes, mime: str) -> tuple[bytes, str]:
    """A HEIC photo as the PNG the image path reads (ingest.heif); other formats as they are."""
    if mime == HEIC:
        return decode_to_png(data), PNG
    return data, mime


def plan_file(data: bytes, settings: Settings) -> tuple[str, int]:
    """(mime, page count) of a file, with the limits `iter_pages` checks up front; raises DonthuError."""
    mime = sniff(data)
    total = count_pages(data, mime, settings)
    _check_page_count(total, settings)
    if mime == PDF:
        with _PdfPages(data, settings) as pdf:
            pdf.check_image_sizes()
    if total < 1:
        raise DonthuError("the file has no pages")
    return mime, total


# ================================================================================================ limits
def _check_file_size(data: bytes, settings: Settings) -> None:
    if len(data) > settings.max_file_bytes:
        raise TooLarge(f"file too large ({len(data) / 1e6:.1f} MB, "
                       f"limit {settings.max_file_bytes / 1e6:.0f} MB)")


def _check_page_count(count: int, settings: Settings) -> None:
    if count > settings.max_pages:
        raise TooLarge(f"too many pages ({count}, limit {settings.max_pages})")


def _check_pixels(width: int, height: int, settings: Settings, what: str) -> None:
    if width <= 0 or height <= 0:
        raise UnsupportedFile(f"{what} has no pixels ({width} x {height})")
    if width * height > settings.max_pixels:
        raise TooLarge(f"{what} too large ({width} x {height} = {width * height / 1e6:.0f} megapixels, "
                       f"limit {settings.max_pixels / 1e6:.0f})")


# ================================================================================================ PDF
def _open_pdf(data: bytes) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise EncryptedFile("encrypted PDF (password protected)") from exc
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise UnsupportedFile(f"damaged PDF ({_short(exc)})") from exc


def _iter_pdf(data: bytes, settings: Settings) -> Iterator[PageImage]:
    with _PdfPages(data, settings) as pages:
        _check_page_count(pages.count, settings)
        pages.check_image_sizes()
        for index in range(pages.count):
            yield pages.page(index)


@dataclass
class _Draw:
    """An image painted on the page: its XObject (None for inline images) and the matrix placing it."""

    xobject: pikepdf.Stream | None
    ctm: Matrix
    coverage: float  # share of the crop box covered


@dataclass
class _Layout:
    images: list[_Draw] = field(default_factory=list)
    visible_text: int = 0  # bytes of visibly rendered text strings
    text_on_top: int = 0  # ... of which drawn after (over) the last full-page image
    full_page_image: bool = False


@dataclass
class _LayerChars:
    """A page's text layer before it is read: the characters' page (open unless `rejected`) and counts."""

    page: object  # ocr.textlayer.PdfiumChars or a pdfplumber page
    characters: int  # non-space characters
    unmapped: int  # of which without Unicode: (cid:N), U+FFFD, private use area
    rejected: str | None = None


class _PdfPages:
    """One PDF opened with pikepdf (structure, images), pdfium (rendering) and pdfplumber (text, lazily)."""

    def __init__(self, data: bytes, settings: Settings) -> None:
        self.data = data
        self.settings = settings
        self.pdf = _open_pdf(data)
        try:
            self.count = len(self.pdf.pages)
        except Exception as exc:
            self.pdf.close()
            raise UnsupportedFile(f"damaged PDF: no readable page tree ({_short(exc)})") from exc
        self._pdfium = None
        self._plumber = None
        self._plumber_failed = False
        #: page number → (layout, trusted text page or None), as `served_pdf_page` decided it
        self.served: dict[int, tuple[_Layout, PageImage | None]] = {}

    def __enter__(self) -> "_PdfPages":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._plumber is not None:
            self._plumber.close()
        if self._pdfium is not None:
            self._pdfium.close()
        self.pdf.close()

    def page(self, index: int) -> PageImage:
        """Page `index` (0-based) as iter_pages yields it; a page that cannot be read carries `error`."""
        try:
            layout = self.layout(index)
            text_page, rejected = self.trusted_text_page(index, layout)
            if text_page is not None:
                return text_page
            page = self.ocr_page(index, layout)
            if rejected:
                page.notes.insert(0, rejected)
            return page
        except (TooLarge, EncryptedFile):
            raise
        except Exception as exc:  # one bad page must not sink the file
            return PageImage(number=index + 1, source="ocr", error=f"page could not be read ({_short(exc)})")

    # -------------------------------------------------------------------------------- opening on demand
    @property
    def pdfium(self):
        if self._pdfium is None:
            import pypdfium2

            try:
                self._pdfium = pypdfium2.PdfDocument(self.data)
            except pypdfium2.PdfiumError as exc:
                raise UnsupportedFile(f"damaged PDF ({_short(exc)})") from exc
        return self._pdfium

    def plumber_page(self, index: int):
        if self._plumber is None and not self._plumber_failed:
            import pdfplumber

            try:
                self._plumber = pdfplumber.open(io.BytesIO(self.data))
            except Exception:
                self._plumber_failed = True
        if self._plumber is None:
            return None
        try:
            return self._plumber.pages[index]
        except Exception:  # pdfminer could not follow this page tree: the page is OCRed instead
            return None

    def chars_page(self, index: int):
        """The page's characters: pdfium's text page where its coordinates map simply (fast), else the
        pdfplumber page (see ocr.textlayer); None when neither can read the page."""
        if pdfium_chars_enabled(self.settings):
            try:
                page = PdfiumChars(self.pdfium[index])
            except Exception:  # pdfium cannot open it: pdfplumber may
                page = None
            if page is not None:
                if page.usable:
                    return page
                page.close()
        return self.plumber_page(index)

    # -------------------------------------------------------------------------------- limits
    def check_image_sizes(self) -> None:
        """Refuse pixel bombs from the image headers before decoding anything."""
        for number, page in enumerate(self.pdf.pages, start=1):
            try:
                xobjects = page.resources.get("/XObject", {})
                items = list(xobjects.items())
            except Exception:
                continue
            for _, xobj in items:
                if isinstance(xobj, pikepdf.Stream) and xobj.get("/Subtype") == "/Image":
                    width, height = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
                    if width * height > self.settings.max_pixels:
                        _check_pixels(width, height, self.settings, f"image on page {number}")

    # -------------------------------------------------------------------------------- deciding
    def layout(self, index: int) -> _Layout:
        page = self.pdf.pages[index]
        box = _crop_box(page)
        layout = _Layout()
        _walk(page, page.resources, _IDENTITY, box, layout, 0)
        return layout

    def text_layer(self, index: int, layout: _Layout) -> _LayerChars | None:
        """The page's characters if it has a visible text layer (the characters' page, open, with counts),
        else None; `rejected` is set (and the page closed) for a layer of unmapped glyphs or in a pre-Unicode
        Vietnamese font encoding."""
        visible = layout.text_on_top if layout.full_page_image else layout.visible_text
        if visible < MIN_TEXT_CHARS:
            return None
        page = self.chars_page(index)
        if page is None:
            return None
        try:
            chars = [c["text"] for c in page.chars]
        except Exception:
            page.close()
            return None
        present = [t for t in chars if t.strip()]
        meaningful = [t for t in present if not t.startswith("(cid:") and t != "\ufffd"]
        unmapped = len(present) - len(meaningful) + sum(1 for t in meaningful if "\ue000" <= t[0] <= "\uf8ff")
        layer = _LayerChars(page, characters=len(present), unmapped=unmapped)
        if len(meaningful) < MIN_TEXT_CHARS:
            page.close()
            if unmapped < MIN_TEXT_CHARS:
                return None
            layer.rejected = f"text layer rejected: {unmapped} unmapped glyphs of {len(present)} characters"
        elif legacy_vietnamese_encoding("".join(meaningful)):
            page.close()
            layer.rejected = "text layer rejected: pre-Unicode Vietnamese font encoding (TCVN3/VNI)"
        return layer

    def trusted_text_page(self, index: int, layout: _Layout) -> tuple[PageImage | None, str | None]:
        """(the "text" page, None) when the page's text layer reads as the language; (None, why not) when it
        has a layer that does not (ocr.textlayer.judge_text_layer); (None, None) when it has none."""
        layer = self.text_layer(index, layout)
        if layer is None:
            return None, None
        if layer.rejected:
            return None, layer.rejected
        page = self.text_page(index, layer.page)
        verdict = judge_text_layer(page.text or "", layer.characters, layer.unmapped)
        if verdict.trusted:
            return page, None
        return None, verdict.reason

    # -------------------------------------------------------------------------------- producing
    def text_page(self, index: int, page) -> PageImage:
        """Read (and close) the characters' page `text_layer` returned."""
        scale = self.settings.preview_dpi / 72.0
        try:
            text, words = read_text_layer(page, scale)
        finally:
            page.close()
        width, height = self.render_size(index, self.settings.preview_dpi)
        return PageImage(number=index + 1, source="text", text=text, words=words, width=width,
                         height=height, dpi=float(self.settings.preview_dpi))

    def ocr_page(self, index: int, layout: _Layout) -> PageImage:
        number = index + 1
        draw = _single_scan(layout)
        if draw is not None and draw.xobject is not None:
            rotate = _page_rotation(self.pdf.pages[index])
            try:
                image, dpi = _extract_image(draw, rotate, self.settings, number)
                return PageImage(number=number, source="ocr", image=image, dpi=dpi,
                                 width=image.shape[1], height=image.shape[0])
            except TooLarge:
                raise
            except Exception as exc:  # a filter Pillow cannot read (JBIG2, odd colour spaces): render
                failure = exc
        else:
            failure = None
        image, dpi = self.render_for_ocr(index)
        if failure is not None and _is_blank(image):
            # pdfium could not paint the image either: the scan itself is damaged
            return PageImage(number=number, source="ocr", width=image.shape[1], height=image.shape[0],
                             error=f"the scanned image could not be decoded ({_short(failure)})")
        return PageImage(number=number, source="ocr", image=image, dpi=dpi,
                         width=image.shape[1], height=image.shape[0])

    def render_size(self, index: int, dpi: float) -> tuple[int, int]:
        page = self.pdfium[index]
        try:
            width, height = page.get_size()
        finally:
            page.close()
        scale = dpi / 72.0
        return math.ceil(width * scale), math.ceil(height * scale)

    def render_for_ocr(self, index: int) -> tuple[np.ndarray, float]:
        """Render at render_dpi, lowered if the page is so large that the render would pass max_pixels."""
        dpi = float(self.settings.render_dpi)
        width, height = self.render_size(index, dpi)
        if width * height > self.settings.max_pixels:
            dpi = math.floor(dpi * math.sqrt(self.settings.max_pixels / (width * height)))
        return self.render(index, dpi), dpi

    def render(self, index: int, dpi: float) -> np.ndarray:
        page = self.pdfium[index]
        try:
            bitmap = page.render(scale=dpi / 72.0, draw_annots=True)
            try:
                array = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)  # BGR
            finally:
                bitmap.close()
        finally:
            page.close()
        if array.ndim == 3 and array.shape[2] == 4:
            array = np.ascontiguousarray(array[:, :, :3])
        return _gray_if_neutral(array)


#: Latin-1 letters that occur in Unicode Vietnamese; other Latin-1 characters (µ ¸ § Ü ñ ä ø ...) are what a
#: TCVN3 (.VnTime) or VNI font's text layer decodes to: "Céng hoµ x· héi", "Coäng hoøa xaõ hoäi"
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_COMMON_SYMBOLS = frozenset("°²³×÷«»©®±¼½¾\u00a0")
_LEGACY_SHARE = 0.04


def legacy_vietnamese_encoding(text: str) -> bool:
    """True when a text layer is in a pre-Unicode Vietnamese font encoding (TCVN3/ABC, VNI).

    Such a layer reads as gibberish although the page looks right; the page is OCRed instead.
    """
    letters = [ch for ch in text if not ch.isspace()]
    if not letters:
        return False
    odd = sum(1 for ch in letters
              if "\u00a1" <= ch <= "\u00ff" and ch not in _VIETNAMESE_LATIN1 and ch not in _COMMON_SYMBOLS)
    return odd >= _LEGACY_SHARE * len(letters)


# ------------------------------------------------------------------------------------------- content walk
def _crop_box(page: pikepdf.Page) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _page_rotation(page: pikepdf.Page) -> int:
    node = page.obj
    for _ in range(64):  # /Rotate is inheritable from the page tree
        if "/Rotate" in node:
            try:
                return int(node.Rotate) % 360
            except (TypeError, ValueError):
                return 0
        if "/Parent" not in node:
            break
        node = node.Parent
    return 0


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector convention: [x y 1] · m · n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _coverage(ctm: Matrix, box: tuple[float, float, float, float]) -> float:
    a, b, c, d, e, f = ctm
    xs = [e, a + e, c + e, a + c + e]
    ys = [f, b + f, d + f, b + d + f]
    bx0, by0, bx1, by1 = box
    ix = max(0.0, min(max(xs), bx1) - max(min(xs), bx0))
    iy = max(0.0, min(max(ys), by1) - max(min(ys), by0))
    area = max(1e-6, (bx1 - bx0) * (by1 - by0))
    return ix * iy / area


def _text_length(operands) -> int:
    total = 0
    for op in operands:
        if isinstance(op, pikepdf.String):
            total += len(bytes(op).strip())
        elif isinstance(op, pikepdf.Array):
            total += sum(len(bytes(x).strip()) for x in op if isinstance(x, pikepdf.String))
    return total


#: the operators `_walk` acts on; qpdf drops every other one while parsing (a text page's Tf/Td/Tm/BT/ET and
#: path operators never become Python objects: the walk of a born-digital page 3x cheaper)
_WALKED_OPERATORS = "q Q cm Tr Tj TJ ' \" Do BI ID EI"


def _walk(container, resources, ctm: Matrix, box, layout: _Layout, depth: int) -> None:
    """Follow a content stream: image placements, visible text, and what a full-page image hides."""
    stack: list[tuple[Matrix, int]] = []
    render_mode = 0
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    for operands, operator in pikepdf.parse_content_stream(container, _WALKED_OPERATORS):
        op = str(operator)
        if op == "q":
            stack.append((ctm, render_mode))
        elif op == "Q":
            if stack:
                ctm, render_mode = stack.pop()
        elif op == "cm" and len(operands) == 6:
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif op == "Tr" and operands:
            render_mode = int(operands[0])
        elif op in ("Tj", "TJ", "'", '"'):
            if render_mode not in (3, 7):  # 3: invisible (OCR layers), 7: clip only
                n = _text_length(operands)
                layout.visible_text += n
                layout.text_on_top += n
        elif op == "INLINE IMAGE":  # BI ... ID ... EI, as pikepdf reports it
            _add_image(layout, _Draw(None, ctm, _coverage(ctm, box)))
        elif op == "Do" and operands:
            xobj = xobjects.get(str(operands[0])) if xobjects is not None else None
            if not isinstance(xobj, pikepdf.Stream):
                continue
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                _add_image(layout, _Draw(xobj, ctm, _coverage(ctm, box)))
            elif subtype == "/Form" and depth < _FORM_DEPTH:
                matrix = tuple(float(v) for v in xobj.get("/Matrix", _IDENTITY))
                _walk(xobj, xobj.get("/Resources", resources), _mul(matrix, ctm), box, layout, depth + 1)


def _add_image(layout: _Layout, draw: _Draw) -> None:
    layout.images.append(draw)
    if draw.coverage >= FULL_PAGE_COVERAGE:
        layout.full_page_image = True
        layout.text_on_top = 0  # whatever text was drawn before is under the scan


def _single_scan(layout: _Layout) -> _Draw | None:
    """The one image that is the page, if the page is essentially one image."""
    big = [d for d in layout.images if d.coverage >= FULL_PAGE_COVERAGE]
    if len(big) != 1:
        return None
    others = sum(d.coverage for d in layout.images if d is not big[0])
    return big[0] if others <= OTHER_IMAGES_COVERAGE else None


# ------------------------------------------------------------------------------------------- extraction
def _extract_image(draw: _Draw, rotate: int, settings: Settings, number: int) -> tuple[np.ndarray, float]:
    xobj = draw.xobject
    width, height = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
    _check_pixels(width, height, settings, f"image on page {number}")
    pdf_image = pikepdf.PdfImage(xobj)
    pil = pdf_image.as_pil_image()
    try:
        image = _pil_to_array(pil)
    finally:
        pil.close()
    a, b, c, d, _, _ = draw.ctm
    # dots per inch along the image's own axes (placement length in points → inches)
    dpi_x = image.shape[1] / max(1e-6, math.hypot(a, b) / 72.0)
    dpi_y = image.shape[0] / max(1e-6, math.hypot(c, d) / 72.0)
    image, dpi = _square_pixels(image, dpi_x, dpi_y)
    image = _orient(image, draw.ctm, rotate)
    return np.ascontiguousarray(image), round(dpi, 1)


def _display(vx: float, vy: float, rotate: int) -> tuple[float, float]:
    """A user-space vector in display space (x right, y down) after the page's /Rotate (clockwise)."""
    x, y = vx, -vy
    turns = (rotate // 90) % 4
    for _ in range(turns):  # one quarter turn clockwise in y-down coordinates
        x, y = -y, x
    return x, y


def _orient(image: np.ndarray, ctm: Matrix, rotate: int) -> np.ndarray:
    """Turn the stored image the way the page shows it (placement matrix, then /Rotate)."""
    a, b, c, d, _, _ = ctm
    col = _display(a, b, rotate)  # where increasing column index goes on screen
    row = _display(-c, -d, rotate)  # image row 0 is at the top of the unit square
    if abs(col[1]) > abs(col[0]):  # columns run vertically on screen: swap axes
        image = np.swapaxes(image, 0, 1)
        col, row = row, col
    if col[0] < 0:
        image = image[:, ::-1]
    if row[1] < 0:
        image = image[::-1, :]
    return image


def _square_pixels(image: np.ndarray, dpi_x: float, dpi_y: float) -> tuple[np.ndarray, float]:
    """Resample fax-like images (e.g. 204 x 98 dpi) to square pixels at the higher resolution."""
    if max(dpi_x, dpi_y) / max(1e-6, min(dpi_x, dpi_y)) <= _ANISOTROPY:
        return image, (dpi_x + dpi_y) / 2.0
    dpi = max(dpi_x, dpi_y)
    height, width = image.shape[:2]
    size = (round(width * dpi / dpi_x), round(height * dpi / dpi_y))
    return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR), dpi


def _pil_to_array(im: Image.Image) -> np.ndarray:
    """uint8 gray (H, W) or BGR (H, W, 3); alpha flattened on white, 16-bit scaled, palettes expanded."""
    mode = im.mode
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        mode = im.mode
    if mode == "PA":
        im = im.convert("RGBA")
        mode = "RGBA"
    if mode == "L":
        return np.asarray(im, dtype=np.uint8)  # one copy (a convert("L") first would make two)
    if mode == "1":
        return np.asarray(im.convert("L"), dtype=np.uint8)
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        raw = np.asarray(im)
        top = int(raw.max()) if raw.size else 0
        shift = 8 if mode.startswith("I;16") or top > 255 else 0
        if top > 65535:
            return (raw.astype(np.float64) * (255.0 / top)).astype(np.uint8)
        return (raw >> shift).astype(np.uint8) if shift else raw.astype(np.uint8)
    if mode == "F":
        raw = np.asarray(im)
        return np.clip(raw, 0, 255).astype(np.uint8)
    if mode == "LA":
        raw = np.asarray(im).astype(np.float32)
        alpha = raw[:, :, 1] / 255.0
        return (raw[:, :, 0] * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)
    if mode in ("RGBA", "RGBa"):
        raw = np.asarray(im.convert("RGBA")).astype(np.float32)
        alpha = raw[:, :, 3:4] / 255.0
        rgb = (raw[:, :, :3] * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)
        return _gray_if_neutral(np.ascontiguousarray(rgb[:, :, ::-1]))
    if mode != "RGB":
        im = im.convert("RGB")  # CMYK, YCbCr, LAB, ...
    rgb = np.asarray(im, dtype=np.uint8)
    return _gray_if_neutral(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def _gray_if_neutral(bgr: np.ndarray) -> np.ndarray:
    """A colour array whose pixels are all neutral gray (a gray page saved as RGB) becomes (H, W) gray.

    Conservative: a few hundredths of a percent of clearly coloured pixels (a stamp, blue ink) keep colour.
    """
    if bgr.ndim != 3:
        return bgr
    sample = np.ascontiguousarray(bgr[::3, ::3])
    blue, green, red = cv2.split(sample)
    chroma = cv2.subtract(cv2.max(cv2.max(blue, green), red), cv2.min(cv2.min(blue, green), red))
    if np.count_nonzero(chroma > 40) > 0.0002 * chroma.size or float(cv2.mean(chroma)[0]) > 6.0:
        return bgr
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def _is_blank(image: np.ndarray) -> bool:
    return bool(image.size) and int(image.min()) >= 250


# ================================================================================================ images
def _open_image(data: bytes) -> Image.Image:
    """Image.open (header only, no pixels); Pillow's own bomb guard becomes TooLarge.

    Pillow refuses images over 2 x PIL.Image.MAX_IMAGE_PIXELS (≈179 MP) by itself; below that our own
    settings.max_pixels check in _frame_to_array applies. The Pillow global is left alone.
    """
    try:
        return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise TooLarge(f"image too large ({_short(exc)})") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedFile(f"damaged image ({_short(exc)})") from exc


def _frame_count(im: Image.Image, mime: str) -> int:
    if mime != TIFF:
        return 1  # an animated PNG is read as its first frame
    try:
        return int(getattr(im, "n_frames", 1))
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedFile(f"damaged TIFF ({_short(exc)})") from exc


def _iter_image_file(data: bytes, mime: str, settings: Settings) -> Iterator[PageImage]:
    with _open_image(data) as im:
        count = _frame_count(im, mime)
        _check_page_count(count, settings)
        for index in range(count):
            number = index + 1
            if count > 1:
                try:
                    im.seek(index)
                except (OSError, EOFError, ValueError) as exc:
                    yield PageImage(number=number, source="ocr",
                                    error=f"page could not be read ({_short(exc)})")
                    continue
            try:
                image, dpi = _frame_to_array(im, settings)
            except TooLarge:
                raise
            except Exception as exc:
                if count == 1:
                    raise UnsupportedFile(f"damaged image ({_short(exc)})") from exc
                yield PageImage(number=number, source="ocr",
                                error=f"page could not be read ({_short(exc)})")
                continue
            yield PageImage(number=number, source="ocr", image=image, dpi=dpi,
                            width=image.shape[1], height=image.shape[0])


def _frame_to_array(im: Image.Image, settings: Settings) -> tuple[np.ndarray, float | None]:
    """Decode the current frame: size checked first, EXIF orientation applied, square pixels."""
    _check_pixels(im.width, im.height, settings, "image")
    dpi_x, dpi_y = _metadata_dpi(im)
    im.load()
    upright = ImageOps.exif_transpose(im)
    if upright is not im and _orientation(im) in (5, 6, 7, 8):
        dpi_x, dpi_y = dpi_y, dpi_x
    array = _pil_to_array(upright)
    if upright is not im:
        upright.close()
    if dpi_x is None or dpi_y is None:
        return array, None
    array, dpi = _square_pixels(array, dpi_x, dpi_y)
    return array, round(dpi, 1)


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1))
    except Exception:
        return 1


def _metadata_dpi(im: Image.Image) -> tuple[float | None, float | None]:
    """The resolution recorded in the file, if it is believable (phones write 72 dpi for 4000 px photos)."""
    raw = im.info.get("dpi")
    if not raw:
        return None, None
    try:
        dpi_x, dpi_y = float(raw[0]), float(raw[1])
    except (TypeError, ValueError, IndexError):
        return None, None
    if dpi_x == dpi_y and dpi_x in (72.0, 96.0):  # software defaults (cameras, screenshots), not a scan
        return None, None
    low, high = _PLAUSIBLE_DPI
    if not (low <= dpi_x <= high and low <= dpi_y <= high):
        return None, None
    inches = max(im.width / dpi_x, im.height / dpi_y)
    if not _PLAUSIBLE_INCHES[0] <= inches <= _PLAUSIBLE_INCHES[1]:
        return None, None
    return dpi_x, dpi_y


_PY_OBJECT = re.compile(r"\s*<[\w.]+ object at 0x[0-9a-f]+>")


def _short(exc: BaseException) -> str:
    """The first line of a library's message, without Python object reprs a clerk cannot read."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = _PY_OBJECT.sub("", text).strip()
    if text.startswith("cannot identify image file"):
        text = "not a readable image"
    return text[:160]
