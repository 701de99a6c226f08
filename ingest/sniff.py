"""Real file format from content (never from the file name).

`sniff(data)` returns one of the MIME types donthu reads (PDF, TIFF, PNG, JPEG, HEIC) or raises `UnsupportedFile` with a message a
clerk can act on ("empty file (0 bytes)", "truncated PDF ...", "not a PDF, TIFF, PNG, JPEG or HEIC (...)").
"""

from __future__ import annotations

from donthu.types import UnsupportedFile
from ingest.heif import HEIC, is_heif

PDF = "application/pdf"
TIFF = "image/tiff"
PNG = "image/png"
JPEG = "image/jpeg"

#: the PDF header may legally follow a little junk (PDF 32000-1, 7.5.2 implementation note; Acrobat: 1024)
_PDF_HEADER_WINDOW = 1024
#: a complete PDF has %%EOF near its end; allow padding / a short trailer of junk after it
_PDF_TRAILING_SLACK = 4096
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF

#: formats clerks meet that donthu does not read, to name them in the error message
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive or Word/Excel (.docx/.xlsx) document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel (.doc/.xls) document"),
    (b"{\\rtf", "an RTF document"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", "a BMP image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"AT&TFORM", "a DjVu document"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "a JPEG 2000 image"),
    (b"<!DOCTYPE html", "an HTML page"),
    (b"<html", "an HTML page"),
)


def sniff(data: bytes) -> str:
    """The MIME type of `data` judged from its bytes: application/pdf, image/tiff, image/png, image/jpeg,
    image/heic."""
    if not data:
        raise UnsupportedFile("empty file (0 bytes)")
    head = bytes(data[:_PDF_HEADER_WINDOW])
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        _check_pdf_complete(data)
        return PDF
    if head.startswith(_PNG_MAGIC):
        _check_png_complete(data)
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_TIFF_MAGICS):
        if len(data) < 16:
            raise UnsupportedFile(f"truncated TIFF ({len(data)} bytes)")
        return TIFF
    if is_heif(head):
        return HEIC
    raise UnsupportedFile(f"not a PDF, TIFF, PNG, JPEG or HEIC ({_describe(head)})")


def _check_pdf_complete(data: bytes) -> None:
    """A PDF cut short (interrupted upload or copy) has no %%EOF at its end."""
    last_eof = data.rfind(b"%%EOF")
    if last_eof < 0:
        raise UnsupportedFile(f"truncated PDF ({len(data)} bytes, no end-of-file marker)")
    after = bytes(data[last_eof + 5:]).strip(b"\x00\r\n\t\f ")
    # A linearized file cut in half still has the %%EOF of its first section, followed by object data.
    if len(after) > _PDF_TRAILING_SLACK and (b" obj" in after or b"stream" in after):
        raise UnsupportedFile(f"truncated PDF ({len(data)} bytes, ends in the middle of the document)")


def _check_png_complete(data: bytes) -> None:
    if len(data) < 33:  # signature + IHDR chunk
        raise UnsupportedFile(f"truncated PNG ({len(data)} bytes)")
    if b"IEND" not in data[-4096:]:
        raise UnsupportedFile(f"truncated PNG ({len(data)} bytes, no end chunk)")


def _describe(head: bytes) -> str:
    for magic, name in _KNOWN_OTHERS:
        if head.startswith(magic):
            return f"looks like {name}"
    if head[4:8] == b"ftyp":
        return "looks like a video or MP4/MOV file"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "looks like a WebP image"
    sample = head[:16]
    if _is_text(head[:256]):
        return "looks like plain text, starts with " + repr(sample.decode("utf-8", "replace"))
    return "starts with " + " ".join(f"{b:02X}" for b in sample[:8])


def _is_text(sample: bytes) -> bool:
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character may have been cut at the end of the sample
        try:
            text = sample[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)
