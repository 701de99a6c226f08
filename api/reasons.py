"""Why a file failed, in Vietnamese for the web pages (the pipeline and the API's `detail` speak English).

`in_vietnamese(message)` translates the messages the pipeline and the API write (ingest.sniff, ingest.pages,
ocr.page, api.app); what it does not know stays as written, so nothing is hidden from the archivist.
"""

from __future__ import annotations

import re

# (pattern on the English message, Vietnamese template using the pattern's groups)
_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), t) for p, t in (
    (r"^page (\d+): (.*)$", "Trang {0}: {1!t}"),
    (r"^empty file \(0 bytes\)$", "Tệp rỗng (0 byte)"),
    (r"^truncated (PDF|TIFF|PNG) \((\d+) bytes(?:, (.*))?\)$",
     "Tệp {0} bị cắt cụt ({1} byte): tệp chưa được chép hoặc tải lên hết"),
    (r"^not a PDF, TIFF, PNG, JPEG or HEIC \((.*)\)$", "Không phải tệp PDF, TIFF, PNG, JPEG hay HEIC ({0!t})"),
    (r"^looks like a video or MP4/MOV file$", "có vẻ là tệp video MP4/MOV"),
    (r"^looks like plain text, starts with (.*)$", "có vẻ là văn bản thường, bắt đầu bằng {0}"),
    (r"^looks like (.*)$", "có vẻ là {0!t}"),
    (r"^an? ZIP archive or Word/Excel \(\.docx/\.xlsx\) document$", "tệp nén ZIP hoặc tài liệu Word/Excel (.docx/.xlsx)"),
    (r"^an old Word/Excel \(\.doc/\.xls\) document$", "tài liệu Word/Excel cũ (.doc/.xls)"),
    (r"^an? (RTF|DjVu) document$", "tài liệu {0}"),
    (r"^an? (GIF|BMP|WebP|JPEG 2000) image$", "ảnh {0}"),
    (r"^an? (RAR|7-Zip|gzip) archive$", "tệp nén {0}"),
    (r"^an HTML page$", "trang web HTML"),
    (r"^starts with (.*)$", "bắt đầu bằng các byte {0}"),
    (r"^unsupported type (.*)$", "Định dạng không được hỗ trợ: {0}"),
    (r"^the file has no pages$", "Tệp không có trang nào"),
    (r"^file too large(?::| \() ?([\d.]+ MB),? \(?limit ([\d.]+ MB)\)$", "Tệp quá lớn: {0} (giới hạn {1})"),
    (r"^too many pages \((\d+), limit (\d+)\)$", "Quá nhiều trang ({0} trang, giới hạn {1})"),
    (r"^file too large: more than the limit \(limit ([\d.]+ MB)\)$", "Tệp quá lớn (giới hạn {0})"),
    (r"^one file per upload: this request has (\d+) files.*$",
     "Mỗi lần tải lên chỉ nhận một tệp (yêu cầu này có {0} tệp); hãy gửi từng tệp một"),
    (r"^busy: (\d+) uploads are being received.*$", "Máy chủ đang nhận {0} tệp khác; xin thử lại sau ít giây"),
    (r"^upload quota exceeded: ([\d.]+ MB) sent in 24 h, this file ([\d.]+ MB) \(quota ([\d.]+ MB)\)$",
     "Vượt hạn mức tải lên: đã gửi {0} trong 24 giờ, tệp này {1} (hạn mức {2})"),
    (r"^q: too many words \((\d+), at most (\d+)\)$", "Câu tìm quá dài ({0} từ, tối đa {1} từ)"),
    (r"^.* has no pixels \((.*)\)$", "Ảnh không có điểm ảnh nào ({0})"),
    (r"^.* too large \((\d+) x (\d+) = (\d+) megapixels, limit (\d+)\)$",
     "Ảnh quá lớn ({0} × {1} = {2} triệu điểm ảnh, giới hạn {3} triệu)"),
    (r"^encrypted PDF.*$", "PDF có mật khẩu (bị mã hóa): cần bản không khóa"),
    (r"^damaged PDF.*$", "PDF bị hỏng, không đọc được"),
    (r"^damaged HEIC photo.*$", "Ảnh HEIC bị hỏng, không đọc được"),
    (r"^damaged (?:image|TIFF).*$", "Ảnh bị hỏng, không đọc được"),
    (r"^image too large.*$", "Ảnh quá lớn"),
    (r"^Tesseract failed: (.*)$", "Lỗi nhận dạng chữ (Tesseract): {0}"),
    (r"^image clean-up failed: (.*)$", "Lỗi khi làm sạch ảnh: {0}"),
    (r"^page has no image to read$", "Trang không có ảnh để đọc"),
    (r"^page (\d+) could not be read$", "Không đọc được trang {0}"),
    (r"^gave up after (\d+) attempts.*$", "Đã thử {0} lần, lần nào tiến trình xử lý cũng dừng giữa chừng"),
    (r"^worker process died (\d+) times on this file$", "Tiến trình xử lý dừng đột ngột {0} lần với tệp này"),
)]


def in_vietnamese(message: str | None) -> str:
    """The Vietnamese wording of a failure message; an unknown message comes back unchanged."""
    if not message:
        return ""
    text = message.strip()
    for pattern, template in _RULES:
        m = pattern.match(text)
        if m:
            groups = [g or "" for g in m.groups()]
            for i, group in enumerate(groups):  # "{i!t}": that part is itself a message to translate
                template = template.replace(f"{{{i}!t}}", in_vietnamese(group).replace("{", "{{").replace("}", "}}"))
            return template.format(*groups)
    return text
