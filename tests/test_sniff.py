"""ingest.sniff: the real format from the bytes, clerk-readable refusals."""

from __future__ import annotations

import os

import pytest
from PIL import Image

from donthu.types import UnsupportedFile
from ingest.sniff import sniff

try:
    from fixtures_files import (VIETNAMESE_LINE, TextItem, born_digital_pdf, encrypt_pdf, image_bytes,
                                multipage_tiff, scan_image)
except ImportError:  # tests/ is a package
    from tests.fixtures_files import (VIETNAMESE_LINE, TextItem, born_digital_pdf, encrypt_pdf, image_bytes,
                                      multipage_tiff, scan_image)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return born_digital_pdf([[TextItem(72, 100, VIETNAMESE_LINE)]] * 3)


@pytest.fixture(scope="module")
def page() -> Image.Image:
    return scan_image(["ĐƠN KIẾN NGHỊ", VIETNAMESE_LINE], size=(600, 800), font_px=20)


def test_each_supported_format(pdf_bytes, page):
    assert sniff(pdf_bytes) == "application/pdf"
    assert sniff(image_bytes(page, "PNG")) == "image/png"
    assert sniff(image_bytes(page, "JPEG", quality=80)) == "image/jpeg"
    assert sniff(multipage_tiff([page, page])) == "image/tiff"
    assert sniff(image_bytes(page, "TIFF", compression="tiff_lzw")) == "image/tiff"
    big_endian = image_bytes(page, "TIFF", compression="raw")
    assert sniff(b"MM\x00*" + big_endian[4:]) == "image/tiff"


def test_a_pdf_named_file_that_is_a_jpeg(tmp_path, page):
    path = tmp_path / "don-khieu-nai.pdf"
    path.write_bytes(image_bytes(page, "JPEG"))
    assert sniff(path.read_bytes()) == "image/jpeg"


def test_pdf_header_after_a_little_junk(pdf_bytes):
    assert sniff(b"\r\n\x00junk from a mail gateway\n" + pdf_bytes) == "application/pdf"


def test_empty_file():
    with pytest.raises(UnsupportedFile, match=r"^empty file \(0 bytes\)$"):
        sniff(b"")


def test_truncated_pdf(pdf_bytes):
    with pytest.raises(UnsupportedFile, match="truncated PDF"):
        sniff(pdf_bytes[: len(pdf_bytes) // 2])


def test_truncated_png(page):
    data = image_bytes(page, "PNG")
    with pytest.raises(UnsupportedFile, match="truncated PNG"):
        sniff(data[: len(data) // 2])


def test_random_bytes():
    data = os.urandom(4096)
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"II*", b"MM\x00")):  # astronomically rare
        data = b"\x01" + data
    with pytest.raises(UnsupportedFile, match=r"^not a PDF, TIFF, PNG, JPEG or HEIC \(starts with [0-9A-F ]+\)$"):
        sniff(data)


def test_other_formats_are_named_for_the_clerk():
    with pytest.raises(UnsupportedFile, match="Word"):
        sniff(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100)
    assert sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00" + b"\x00" * 100) == "image/heic"  # read
    with pytest.raises(UnsupportedFile, match="plain text"):
        sniff("Kính gửi: Ủy ban nhân dân xã".encode())


def test_encrypted_pdf_is_still_a_pdf(pdf_bytes):
    # the format is PDF; refusing it (EncryptedFile) is ingest.pages' job
    assert sniff(encrypt_pdf(pdf_bytes)) == "application/pdf"
