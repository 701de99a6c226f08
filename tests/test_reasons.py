"""api.reasons: the pipeline's failure messages in Vietnamese for the clerks' pages."""

from __future__ import annotations

import pytest

from api.reasons import in_vietnamese
from donthu.config import Settings
from ingest.pipeline import process_bytes
from fixtures_files import born_digital_pdf, encrypt_pdf, petition_page


@pytest.mark.parametrize("message, vietnamese", [
    ("empty file (0 bytes)", "Tệp rỗng (0 byte)"),
    ("page 2: Tesseract failed: exit 1", "Trang 2: Lỗi nhận dạng chữ (Tesseract): exit 1"),
    ("truncated PDF (1234 bytes, no end-of-file marker)",
     "Tệp PDF bị cắt cụt (1234 byte): tệp chưa được chép hoặc tải lên hết"),
    ("not a PDF, TIFF, PNG, JPEG or HEIC (looks like a ZIP archive or Word/Excel (.docx/.xlsx) document)",
     "Không phải tệp PDF, TIFF, PNG, JPEG hay HEIC (có vẻ là tệp nén ZIP hoặc tài liệu Word/Excel (.docx/.xlsx))"),
    ("too many pages (301, limit 300)", "Quá nhiều trang (301 trang, giới hạn 300)"),
    ("page 1 image too large (9000 x 9000 = 81 megapixels, limit 60)",
     "Ảnh quá lớn (9000 × 9000 = 81 triệu điểm ảnh, giới hạn 60 triệu)"),
    ("file too large (600.0 MB, limit 500 MB)", "Tệp quá lớn: 600.0 MB (giới hạn 500 MB)"),
    ("encrypted PDF (password protected)", "PDF có mật khẩu (bị mã hóa): cần bản không khóa"),
])
def test_known_messages(message, vietnamese):
    assert in_vietnamese(message) == vietnamese


def test_unknown_message_is_kept_as_written():
    assert in_vietnamese("a {strange} failure") == "a {strange} failure"
    assert in_vietnamese(None) == ""


@pytest.mark.parametrize("data", [
    b"", b"%PDF-1.7\n1 0 obj\n<<", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b"PK\x03\x04" + b"\x00" * 60,
    b"GIF89a" + b"\x00" * 60, b"Day la mot ghi chu, khong phai ban quet.\n",
])
def test_what_the_pipeline_says_about_bad_files_is_translated(tmp_path, data):
    processed = process_bytes(data, "x.pdf", Settings(data_dir=tmp_path))
    assert processed.failed and processed.record.errors
    for error in processed.record.errors:
        translated = in_vietnamese(error)
        assert translated != error and not translated.startswith(("not ", "truncated", "empty", "damaged")), error


def test_encrypted_pdf_message_is_translated(tmp_path):
    processed = process_bytes(encrypt_pdf(born_digital_pdf([petition_page(5)])), "bi-mat.pdf",
                              Settings(data_dir=tmp_path))
    assert any(in_vietnamese(e).startswith("PDF có mật khẩu") for e in processed.record.errors)
