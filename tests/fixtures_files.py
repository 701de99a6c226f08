"""Build realistic input files in code (born-digital PDFs, scanned PDFs, images); no binary fixtures.

Used by tests/test_sniff.py and tests/test_pages.py; importable by other tests (`from tests.fixtures_files
import ...` or, with tests/ on sys.path, `from fixtures_files import ...`).
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFont

# Liberation Serif on this system lacks most Vietnamese glyphs (ơ, ạ, ễ, ...); FreeSerif has them all
FONT_PATH = "/usr/share/fonts/truetype/freefont/FreeSerif.ttf"
A4_POINTS = (595.28, 841.89)
VIETNAMESE_LINE = "Tôi tên là Nguyễn Thị Hồng Nhung, thửa đất số 45, tờ bản đồ số 12"


# --------------------------------------------------------------------------------------------- born-digital
@dataclass
class TextItem:
    x: float  # points from the left edge
    y: float  # points from the TOP edge (baseline)
    text: str
    size: float = 12.0


def born_digital_pdf(pages: list[list[TextItem]], pagesize: tuple[float, float] = A4_POINTS) -> bytes:
    """A PDF written the way office software writes one: embedded TrueType subset, real text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "FreeSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("FreeSerif", FONT_PATH))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=pagesize, pageCompression=1)
    for items in pages:
        for item in items:
            c.setFont("FreeSerif", item.size)
            c.drawString(item.x, pagesize[1] - item.y, item.text)
        c.showPage()
    c.save()
    return out.getvalue()


def petition_page(lines: int = 30) -> list[TextItem]:
    """A page of a typed petition."""
    body = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ĐƠN KHIẾU NẠI",
        "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới, tỉnh An Giang",
        VIETNAMESE_LINE,
        "Nay tôi làm đơn này khiếu nại Quyết định số 123/QĐ-UBND ngày 05 tháng 3 năm 2021",
        "về việc thu hồi đất của hộ gia đình tôi, diện tích 1.234,5 m² đất trồng lúa (LUC).",
    ]
    items = []
    for i in range(lines):
        items.append(TextItem(72, 72 + 20 * i, body[i % len(body)]))
    return items


# --------------------------------------------------------------------------------------------- scans
def scan_image(lines: list[str], size: tuple[int, int] = (1240, 1754), colour: bool = False,
               font_px: int = 34, stamp: bool = False) -> Image.Image:
    """A page image with dark text on light paper (150 dpi A4 by default), optionally with a red stamp."""
    mode = "RGB" if colour else "L"
    im = Image.new(mode, size, (250, 248, 240) if colour else 250)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT_PATH, font_px)
    y = font_px * 3
    for line in lines:
        draw.text((font_px * 3, y), line, font=font, fill=(20, 20, 20) if colour else 20)
        y += int(font_px * 1.6)
    if stamp and colour:
        cx, cy, r = size[0] * 2 // 3, y + 4 * font_px, font_px * 3
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 30), width=6)
    return im


Encoding = Literal["jpeg", "flate", "ccitt", "png-predictor"]


@dataclass
class ScanPage:
    image: Image.Image
    encoding: Encoding = "jpeg"
    dpi: float = 150.0
    #: /Rotate of the page
    rotate: int = 0
    #: the image is stored rotated by this many degrees counter-clockwise and the placement matrix turns
    #: it back upright (what some scanner drivers write)
    stored_turn: int = 0
    jpeg_quality: int = 85
    #: CCITT only: store paper as black runs and let /Decode [1 0] invert it back (some scanner drivers)
    decode_inverted: bool = False


def ccitt_g4(image: Image.Image, invert: bool = True) -> tuple[bytes, int]:
    """Raw CCITT group 4 data of a bilevel image (one strip) and its /K parameter (-1).

    Pillow writes bilevel TIFFs "min is black" (white = 1 bits, coded as CCITT black runs); inverting first
    gives the usual fax/scanner stream where ink is coded as black runs (/BlackIs1 false, /Decode [0 1]).
    """
    bilevel = image.convert("1")
    if invert:
        bilevel = bilevel.point(lambda v: 255 - v, mode="1")
    out = io.BytesIO()
    bilevel.save(out, format="TIFF", compression="group4", strip_size=1 << 30)
    out.seek(0)
    tif = Image.open(out)
    offsets, counts = tif.tag_v2[273], tif.tag_v2[279]
    assert len(offsets) == 1, "expected one strip"
    raw = out.getvalue()[offsets[0]:offsets[0] + counts[0]]
    return raw, -1


def _image_stream(pdf: pikepdf.Pdf, page: ScanPage) -> pikepdf.Stream:
    im = page.image
    if page.stored_turn:
        im = im.rotate(page.stored_turn, expand=True)
    w, h = im.size
    if page.encoding == "ccitt":
        data, k = ccitt_g4(im, invert=not page.decode_inverted)
        stream = pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=w, Height=h, BitsPerComponent=1,
                                ColorSpace=pikepdf.Name.DeviceGray, Filter=pikepdf.Name.CCITTFaxDecode,
                                DecodeParms=pikepdf.Dictionary(K=k, Columns=w, Rows=h, BlackIs1=False))
        if page.decode_inverted:
            stream.Decode = pikepdf.Array([1, 0])
        return stream
    colour = {"L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB,
              "CMYK": pikepdf.Name.DeviceCMYK}[im.mode]
    if page.encoding == "jpeg":
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=page.jpeg_quality)
        return pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                              Width=w, Height=h, BitsPerComponent=8, ColorSpace=colour,
                              Filter=pikepdf.Name.DCTDecode)
    return pikepdf.Stream(pdf, zlib.compress(im.tobytes(), 6), Type=pikepdf.Name.XObject,
                          Subtype=pikepdf.Name.Image, Width=w, Height=h, BitsPerComponent=8,
                          ColorSpace=colour, Filter=pikepdf.Name.FlateDecode)


def scanned_pdf(pages: list[ScanPage], invisible_text: str | None = None,
                text_under_image: bool = False) -> bytes:
    """A scanner / img2pdf style PDF: each page is one image covering the page.

    With `invisible_text`, an OCRmyPDF-like invisible text layer (render mode 3) is put over each image, or,
    with `text_under_image`, visible text drawn first and covered by the scan (how some OCR software hides
    it).
    """
    pdf = pikepdf.new()
    for page in pages:
        w_px, h_px = page.image.size
        width, height = w_px * 72.0 / page.dpi, h_px * 72.0 / page.dpi
        xobj = _image_stream(pdf, page)
        # placement: the unit square maps to the page; for a stored turn, rotate back into place
        turn = page.stored_turn % 360
        matrix = {
            0: (width, 0, 0, height, 0, 0),
            90: (0, -height, width, 0, 0, height),  # stored turned CCW by 90: turn back clockwise
            180: (-width, 0, 0, -height, width, height),
            270: (0, height, -width, 0, width, 0),
        }[turn]
        content = "q {} {} {} {} {} {} cm /Im0 Do Q\n".format(*(f"{v:.4f}" for v in matrix))
        text_op = ""
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj))
        if invisible_text:
            font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                        BaseFont=pikepdf.Name.Helvetica))
            resources.Font = pikepdf.Dictionary(F1=font)
            safe = invisible_text.encode("ascii", "replace").decode().replace("(", "").replace(")", "")
            mode = 0 if text_under_image else 3
            text_op = f"BT {mode} Tr /F1 12 Tf 72 {height - 100:.2f} Td ({safe}) Tj ET\n"
        content = text_op + content if text_under_image else content + text_op
        pdf_page = pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, width, height], Resources=resources,
            Contents=pikepdf.Stream(pdf, content.encode())))
        if page.rotate:
            pdf_page.obj.Rotate = page.rotate
        pdf.pages.append(pdf_page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def image_xobject_pdf(variant: str, image: Image.Image, dpi: float = 75.0) -> bytes:
    """One page holding one image XObject in an encoding PDF writers use besides JPEG/Flate 8-bit/G4.

    variant: "indexed" (palette), "1bit" (Flate, 1 bit per pixel), "gray16" (16-bit), "smask" (RGB with a
    soft mask: transparent paper), "imagemask" (stencil mask painted black), "cmyk-jpeg-decode" (CMYK JPEG
    with the Adobe inverted /Decode [1 0 ...] Photoshop writes).
    """
    pdf = pikepdf.new()
    w, h = image.size
    gray = np.asarray(image.convert("L"))
    Name = pikepdf.Name
    if variant == "indexed":
        pal = image.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
        palette = bytes(pal.getpalette()[: 64 * 3])
        data, extra = zlib.compress(pal.tobytes()), dict(
            BitsPerComponent=8, Filter=Name.FlateDecode,
            ColorSpace=pikepdf.Array([Name.Indexed, Name.DeviceRGB, 63, pikepdf.String(palette)]))
    elif variant in ("1bit", "imagemask"):
        bits = np.packbits(gray > 128, axis=1).tobytes()
        extra = dict(BitsPerComponent=1, Filter=Name.FlateDecode)
        extra.update(ImageMask=True) if variant == "imagemask" else extra.update(ColorSpace=Name.DeviceGray)
        data = zlib.compress(bits)
    elif variant == "gray16":
        data = zlib.compress((gray.astype(">u2") * 257).tobytes())
        extra = dict(BitsPerComponent=16, ColorSpace=Name.DeviceGray, Filter=Name.FlateDecode)
    elif variant == "smask":
        data = zlib.compress(np.asarray(image.convert("RGB")).tobytes())
        extra = dict(BitsPerComponent=8, ColorSpace=Name.DeviceRGB, Filter=Name.FlateDecode)
    elif variant == "cmyk-jpeg-decode":
        buf = io.BytesIO()
        image.convert("CMYK").save(buf, format="JPEG", quality=90)  # Adobe APP14, inverted samples
        data, extra = buf.getvalue(), dict(BitsPerComponent=8, ColorSpace=Name.DeviceCMYK,
                                           Filter=Name.DCTDecode, Decode=[1, 0, 1, 0, 1, 0, 1, 0])
    else:
        raise ValueError(variant)
    stream = pikepdf.Stream(pdf, data, Type=Name.XObject, Subtype=Name.Image, Width=w, Height=h, **extra)
    if variant == "smask":
        alpha = np.where(gray > 200, 0, 255).astype(np.uint8)
        stream.SMask = pikepdf.Stream(pdf, zlib.compress(alpha.tobytes()), Type=Name.XObject,
                                      Subtype=Name.Image, Width=w, Height=h, BitsPerComponent=8,
                                      ColorSpace=Name.DeviceGray, Filter=Name.FlateDecode)
    width, height = w * 72.0 / dpi, h * 72.0 / dpi
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=Name.Page, MediaBox=[0, 0, width, height],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        Contents=pikepdf.Stream(pdf, f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode()))))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def concat_pdfs(*files: bytes) -> bytes:
    out_pdf = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(f)) for f in files]
    for src in sources:
        out_pdf.pages.extend(src.pages)
    out = io.BytesIO()
    out_pdf.save(out)
    return out.getvalue()


def encrypt_pdf(data: bytes, user: str = "mat-khau", owner: str = "chu-so-huu") -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
        return out.getvalue()


# --------------------------------------------------------------------------------------------- images
def image_bytes(image: Image.Image, fmt: str, **save_args) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **save_args)
    return out.getvalue()


def multipage_tiff(images: list[Image.Image], compression: str = "group4", dpi: float = 200) -> bytes:
    out = io.BytesIO()
    frames = [im.convert("1") if compression.startswith("group") else im for im in images]
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], compression=compression,
                   dpi=(dpi, dpi))
    return out.getvalue()


def exif_rotated_jpeg(upright: Image.Image, orientation: int = 6) -> bytes:
    """A phone photo: pixels stored sideways, EXIF Orientation tells the viewer how to turn them.

    Orientation 6 means "rotate 90° clockwise to display", so the stored pixels are the upright image turned
    90° counter-clockwise.
    """
    turn = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}
    stored = upright.transpose(turn[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    return image_bytes(stored, "JPEG", quality=90, exif=exif.tobytes())


def png_bomb_header(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb's calling card)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def dark_fraction(image: np.ndarray, box: tuple[int, int, int, int], threshold: int = 128) -> float:
    """Share of dark pixels inside (left, top, width, height) of a gray or BGR image."""
    left, top, width, height = box
    region = image[top:top + height, left:left + width]
    if region.ndim == 3:
        region = region.mean(axis=2)
    return float((region < threshold).mean()) if region.size else 0.0
