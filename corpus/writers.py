"""Write page images as the files a records office receives: scanned PDF, multi-page TIFF, PNG, JPEG.

Images are uint8 numpy arrays: gray (H, W), bilevel gray (only 0 and 255), or colour (H, W, 3) in BGR order
(OpenCV's, as corpus.degrade returns them).

Scanned PDF: one image XObject per page filling the page, page size = pixels / dpi * 72 pt. Gray and colour
pages are JPEG (DCTDecode) streams, bilevel pages CCITT Group 4 (Flate 1-bit when `bilevel="flate"`).
`pikepdf.PdfImage` reads each image back with the size written; the DCT stream is byte-identical to the JPEG
encoded here.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Sequence

import cv2
import numpy as np
import pikepdf
from PIL import Image

from corpus.degrade import is_bilevel

EXIF_ORIENTATION = 0x0112


def _pil(image: np.ndarray) -> Image.Image:
    if image.ndim == 3:
        return Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    return Image.fromarray(image)


def encode_jpeg(image: np.ndarray, quality: int = 85) -> bytes:
    """Baseline JPEG bytes of a gray or BGR image."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def encode_g4(image: np.ndarray) -> bytes:
    """Raw CCITT Group 4 data (K=-1, BlackIs1=false: 0 bits black) of a bilevel image, via libtiff."""
    h, w = image.shape
    # Pillow writes mode "1" as BlackIsZero and libtiff codes 0 bits as CCITT "white" runs: invert first so that
    # white paper is coded as white runs
    im = Image.fromarray(255 - image).convert("1")
    buf = io.BytesIO()
    im.save(buf, format="TIFF", compression="group4", tiffinfo={278: h})  # one strip
    buf.seek(0)
    tif = Image.open(buf)
    offsets = tif.tag_v2[273]
    counts = tif.tag_v2[279]
    photometric = tif.tag_v2.get(262, 0)
    if len(offsets) != 1:
        raise RuntimeError("expected a single G4 strip")
    data = buf.getvalue()[offsets[0]:offsets[0] + counts[0]]
    if photometric != 1:
        raise RuntimeError(f"unexpected photometric {photometric} for G4")
    return data


def _image_xobject(pdf: pikepdf.Pdf, image: np.ndarray, quality: int, bilevel: str) -> pikepdf.Stream:
    h, w = image.shape[:2]
    if is_bilevel(image):
        if bilevel == "g4":
            data = encode_g4(image)
            return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w,
                                  Height=h, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=1,
                                  Filter=pikepdf.Name.CCITTFaxDecode,
                                  DecodeParms=pikepdf.Dictionary(K=-1, Columns=w, Rows=h, BlackIs1=False))
        packed = np.packbits(image > 127, axis=1)  # 1 bit = white with DeviceGray
        return pikepdf.Stream(pdf, zlib.compress(packed.tobytes(), 6), Type=pikepdf.Name.XObject,
                              Subtype=pikepdf.Name.Image, Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray,
                              BitsPerComponent=1, Filter=pikepdf.Name.FlateDecode)
    data = encode_jpeg(image, quality)
    cs = pikepdf.Name.DeviceRGB if image.ndim == 3 else pikepdf.Name.DeviceGray
    return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
                          ColorSpace=cs, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)


def _image_page(pdf: pikepdf.Pdf, image: np.ndarray, dpi: float, quality: int, bilevel: str) -> pikepdf.Dictionary:
    h, w = image.shape[:2]
    wpt, hpt = w / dpi * 72.0, h / dpi * 72.0
    xobj = _image_xobject(pdf, image, quality, bilevel)
    content = f"q {wpt:.4f} 0 0 {hpt:.4f} 0 0 cm /Im0 Do Q".encode()
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(wpt, 4), round(hpt, 4)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)),
        Contents=pikepdf.Stream(pdf, content),
    )


def _per_page(value, n: int) -> list:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError("one value per page expected")
        return list(value)
    return [value] * n


def write_scanned_pdf(pages: Sequence[np.ndarray], path: str | os.PathLike, dpi: int | Sequence[int], *,
                      quality: int | Sequence[int] = 85, bilevel: str = "g4") -> None:
    """A scanned PDF: one embedded image per page (JPEG, or G4/Flate for bilevel pages), page size from dpi."""
    if bilevel not in ("g4", "flate"):
        raise ValueError("bilevel must be 'g4' or 'flate'")
    dpis = _per_page(dpi, len(pages))
    quals = _per_page(quality, len(pages))
    pdf = pikepdf.new()
    for image, d, q in zip(pages, dpis, quals):
        pdf.pages.append(pikepdf.Page(pdf.make_indirect(_image_page(pdf, image, d, q, bilevel))))
    pdf.docinfo["/Producer"] = "donthu corpus scanner"
    pdf.save(os.fspath(path), compress_streams=True, deterministic_id=True)


def replace_pages_with_images(text_pdf: str | os.PathLike, images: dict[int, np.ndarray], path: str | os.PathLike,
                              dpi: int, *, quality: int = 85, bilevel: str = "g4") -> None:
    """A mixed PDF: the pages of a born-digital PDF, with pages `images` (0-based index -> image) scanned."""
    with pikepdf.open(os.fspath(text_pdf)) as src:
        out = pikepdf.new()
        for n, page in enumerate(src.pages):
            if n in images:
                out.pages.append(pikepdf.Page(out.make_indirect(_image_page(out, images[n], dpi, quality, bilevel))))
            else:
                out.pages.append(page)
        out.save(os.fspath(path), deterministic_id=True)


def write_tiff(pages: Sequence[np.ndarray], path: str | os.PathLike, dpi: int, *, compression: str = "lzw",
               quality: int = 85) -> None:
    """Multi-page TIFF with the dpi tag: Group 4 when every page is bilevel, else `compression` "lzw" or "jpeg"
    (JPEG-in-TIFF, as many scanners write; far smaller and faster for noisy pages). Colour pages as RGB."""
    kw: dict = {}
    if all(is_bilevel(p) for p in pages):
        ims = [Image.fromarray(p).convert("1") for p in pages]
        kw["compression"] = "group4"
    else:
        colour = any(p.ndim == 3 for p in pages)
        ims = [_pil(p).convert("RGB" if colour else "L") for p in pages]
        if compression == "jpeg":
            kw.update(compression="jpeg", quality=int(quality))
        elif compression == "lzw":
            kw["compression"] = "tiff_lzw"
        else:
            raise ValueError("compression must be 'lzw' or 'jpeg'")
    ims[0].save(os.fspath(path), format="TIFF", save_all=True, append_images=ims[1:], dpi=(dpi, dpi), **kw)


def write_png(image: np.ndarray, path: str | os.PathLike, dpi: int) -> None:
    """PNG with a pHYs dpi; bilevel pages as 1-bit."""
    im = _pil(image)
    if is_bilevel(image):
        im = im.convert("1")
    im.save(os.fspath(path), format="PNG", dpi=(dpi, dpi), optimize=False, compress_level=3)


# EXIF orientation -> rotation that turns the upright image into the stored pixels (and back when shown)
_STORE_ROTATION = {1: None, 3: cv2.ROTATE_180, 6: cv2.ROTATE_90_COUNTERCLOCKWISE, 8: cv2.ROTATE_90_CLOCKWISE}


def write_jpeg(image: np.ndarray, path: str | os.PathLike, *, dpi: int | None = None, quality: int = 85,
               orientation: int = 1) -> None:
    """JPEG; with orientation 3/6/8 the pixels are stored rotated and the EXIF tag says how to show them upright
    (what a phone camera does)."""
    if orientation not in _STORE_ROTATION:
        raise ValueError("orientation must be 1, 3, 6 or 8")
    rot = _STORE_ROTATION[orientation]
    stored = image if rot is None else cv2.rotate(image, rot)
    im = _pil(stored)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[0x010F] = "donthu"  # Make
    exif[0x0110] = "corpus phone"  # Model
    kwargs = {"quality": int(quality), "exif": exif.tobytes()}
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    im.save(os.fspath(path), format="JPEG", **kwargs)


def upright(image: Image.Image) -> Image.Image:
    """Apply a JPEG's EXIF orientation (for tests and viewers)."""
    from PIL import ImageOps

    return ImageOps.exif_transpose(image)
