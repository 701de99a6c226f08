"""Page images and copies of a denunciation with the denouncer's identity blacked out (Luật Tố cáo 2018
Art. 8(3), 56).

- `page_boxes`: where to draw on a page image — a black box over every OCR word of the identity
  (`records.confidential.identity_word_indices` over the page's stored words, whose boxes are in pixels of
  the served page image), over the signature area of a letter (on the last page: from the signature block's
  label — ``Người tố cáo``, ``(Ký, ghi rõ họ tên)`` … — down past the printed name, around the block;
  the bottom right of the page when no label was read), over the value of each of the writer's form fields
  (`form_field_boxes`: "Họ và tên:", "Địa chỉ:", "Số điện thoại:" … at the start of a line — the rest of
  the line, so a value filled in by hand is covered even when OCR read nothing of it), and over the whole of
  a handwritten page (the writer's handwriting, bút tích, Art. 8(3), identifies them too).
- `redacted_page_image`: the page image as a reader may see it (unchanged for the system and for readers
  cleared to see the identity).
- `redacted_copy`: the redacted copy handed to the verification team (Art. 56): a PDF of every page image
  with the boxes burnt in, then the masked text of every page. Needs `Action.READ_REDACTED`.

The pixels come from the caller (`render(number) -> image`: `ingest.pages.page_image` in the API and CLI), so
this module stays below `ingest`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from donthu.access import Action, NotAllowed
from donthu.schema import Record
from donthu.text import fold
from donthu.types import Word
from records.confidential import MASK, cleared, identity_of, identity_word_indices, is_confidential, redact_record
from records.read import SYSTEM, Reader, read_document

Box = tuple[int, int, int, int]  # left, top, right, bottom (pixels)

#: lines that open a letter's signature block (folded): the signer's label or the instruction to sign
_SIGNATURE_LINES = ("nguoi to cao", "nguoi lam don", "nguoi viet don", "nguoi ky ten", "nguoi dai dien",
                    "nguoi duoc uy quyen", "dai dien cac ho", "nhung nguoi lam don", "ky ten", "ky, ghi ro",
                    "ky va ghi ro", "ghi ro ho", "ky ghi ro")
#: pixels around a word's box
_PAD = 4
#: fallback signature area, as fractions of the page: the bottom right
_FALLBACK = (0.45, 0.62, 1.0, 1.0)

_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/freefont/FreeSerif.ttf")


def _lines(words: list[Word]) -> list[list[Word]]:
    by_line: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        by_line.setdefault((w.block, w.line), []).append(w)
    return list(by_line.values())


def identity_boxes(words: list[Word], record: Record) -> list[Box]:
    """Boxes of the page's words that are the record's denouncer identity."""
    hits = identity_word_indices([w.text for w in words], identity_of(record), [(w.block, w.line) for w in words])
    return [(w.left - _PAD, w.top - _PAD, w.left + w.width + _PAD, w.top + w.height + _PAD)
            for i, w in enumerate(words) if i in hits]


#: a form's field for the writer's own details, at the start of a line (folded): "Họ và tên người tố cáo:",
#: "Địa chỉ:", "Số điện thoại:", "Số CCCD:" … — what follows on the line is theirs, typed or written by hand
_FORM_FIELD = re.compile(
    r"^(?:\d+[.)]\s*)?(?:ho\s+(?:va\s+)?ten(?:\s+nguoi\s+(?:to\s+cao|lam\s+don|viet\s+don))?"
    r"|dia\s+chi(?:\s+(?:thuong\s+tru|lien\s+he|cu\s+tru|hien\s+nay))?|noi\s+(?:o|cu\s+tru)(?:\s+hien\s+nay)?"
    r"|(?:so\s+)?dien\s+thoai(?:\s+lien\s+he)?|(?:so\s+)?(?:cccd|cmnd|can\s+cuoc(?:\s+cong\s+dan)?)"
    r"|thu\s+dien\s+tu|email|e-mail|chu\s+ky)\s*:"
)
#: a section about someone else: its fields are not the writer's ("Người bị tố cáo:", "Thông tin người bị …")
_OTHER_PERSON = ("bi to cao", "nguoi bi", "doi tuong")


def form_field_boxes(words: list[Word], width: int) -> list[Box]:
    """Boxes over the value of each of the writer's form fields (`_FORM_FIELD`): from the end of the label to the
    right edge of the page's text, the line's height and half of it above and below — a value written by hand
    (bút tích) is covered whether or not OCR read any word of it. A field within three lines after a line
    about another person (`_OTHER_PERSON`: the accused) is not the writer's and is left."""
    lines = sorted(_lines(words), key=lambda line: (min(w.top for w in line), min(w.left for w in line)))
    right = max((w.left + w.width for w in words), default=width)
    right = max(right, int(0.9 * width))
    out: list[Box] = []
    since_other = 99
    for line in lines:
        line = sorted(line, key=lambda w: w.left)
        text = " ".join(fold(w.text) for w in line)
        since_other += 1
        if any(key in text for key in _OTHER_PERSON):
            since_other = 0
            continue
        if since_other <= 3 or not _FORM_FIELD.match(text):
            continue
        label_end = next((i for i, w in enumerate(line) if w.text.rstrip().endswith(":")), None)
        if label_end is None:
            continue
        top = min(w.top for w in line)
        bottom = max(w.top + w.height for w in line)
        pad = (bottom - top) // 2
        x0 = line[label_end].left + line[label_end].width + _PAD
        out.append((x0, max(0, top - pad), min(width, right + _PAD), bottom + pad))
    return out


def signature_box(words: list[Word], width: int, height: int) -> Box:
    """The signature area of a letter's last page: from the lowest line that opens the signature block down
    past the lowest word under it (the printed name; at least a fifth of the page), as wide as the block and at
    least 40 % of the page around its centre. Without such a line: the bottom right of the page."""
    anchor = None
    for line in _lines(words):
        text = " ".join(fold(w.text) for w in line)
        text = text.replace("(", "").replace(")", "")
        if any(key in text for key in _SIGNATURE_LINES):
            top = min(w.top for w in line)
            if anchor is None or top >= anchor[1]:
                anchor = (min(w.left for w in line), top, max(w.left + w.width for w in line))
    if anchor is None:
        x0, y0, x1, y1 = _FALLBACK
        return (int(x0 * width), int(y0 * height), int(x1 * width), int(y1 * height))
    left, top, right = anchor
    centre = (left + right) / 2
    half = max((right - left) / 2 + 0.05 * width, 0.2 * width)
    x0, x1 = max(0, int(centre - half)), min(width, int(centre + half))
    # down to the lowest word under the label in that band (the printed name), and at least a fifth of the page
    below = [w.top + w.height for w in words if w.top > top and x0 <= w.left + w.width / 2 <= x1]
    bottom = max([top + 0.2 * height] + [b + 0.03 * height for b in below])
    return (x0, max(0, top - _PAD), x1, min(height, int(bottom)))


def page_boxes(record: Record, number: int, words: list[Word], width: int, height: int) -> list[Box]:
    """Everything to black out on page `number` (1-based) of a confidential record (none otherwise)."""
    if not is_confidential(record):
        return []
    page = next((p for p in record.pages if p.number == number), None)
    if page is not None and page.handwritten:
        return [(0, 0, width, height)]
    boxes = identity_boxes(words, record) + form_field_boxes(words, width)
    last = max((p.number for p in record.pages), default=number)
    if number == last and record.kind == "petition":
        boxes.append(signature_box(words, width, height))
    return boxes


def draw_boxes(image: np.ndarray, boxes: list[Box], scale: float = 1.0) -> np.ndarray:
    """A copy of `image` (gray or colour) with each box (in word-box pixels × `scale`) filled black."""
    out = np.array(image, copy=True)
    h, w = out.shape[:2]
    for left, top, right, bottom in boxes:
        x0, y0 = max(0, int(left * scale)), max(0, int(top * scale))
        x1, y1 = min(w, int(np.ceil(right * scale))), min(h, int(np.ceil(bottom * scale)))
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = 0
    return out


def needs_redaction(record: Record | None, reader: Reader) -> bool:
    """Does `reader` get this record's page images redacted (and no original)?"""
    return is_confidential(record) and not cleared(reader.principal)


def served_boxes(store: Any, document_id: int, record: Record, number: int, width: int, height: int
                 ) -> tuple[list[Box], float, list[Word]]:
    """What to black out on page `number`'s served image of `width` × `height` pixels: the boxes (in the
    pixels of the stored words), the scale (served pixels per word pixel) and the stored words themselves."""
    words = store.page_words(document_id, number)
    info = store.page(document_id, number)
    scale = width / info.width if info is not None and info.width else 1.0
    return page_boxes(record, number, words, int(round(width / scale)), int(round(height / scale))), scale, words


def redact_page(store: Any, document_id: int, record: Record, number: int, image: np.ndarray) -> np.ndarray:
    """Page `number`'s image with the identity and signature boxes burnt in (words from the store)."""
    boxes, scale, _ = served_boxes(store, document_id, record, number, image.shape[1], image.shape[0])
    return draw_boxes(image, boxes, scale)


def redacted_page_image(store: Any, document_id: int, number: int, image: np.ndarray,
                        reader: Reader = SYSTEM) -> np.ndarray:
    """The page image as `reader` may see it: boxes burnt in for a reader without clearance on a
    denunciation, unchanged otherwise."""
    info = read_document(store, document_id)  # the system's view: the identity to find
    if info is None or not needs_redaction(info.record, reader):
        return image
    return redact_page(store, document_id, info.record, number, image)


def _font() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in _FONTS:
        if Path(path).is_file():
            name = "donthu-" + Path(path).stem
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
            return name, path
    raise FileNotFoundError("no font with Vietnamese glyphs: install fonts-dejavu-core")


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and stringWidth(candidate, font, size) > width:
                out.append(line)
                line = word
            else:
                line = candidate
        out.append(line)
    return out


def redacted_copy(store: Any, document_id: int, reader: Reader, render: Callable[[int], np.ndarray]) -> bytes:
    """The redacted copy of a document (Art. 56) as PDF bytes: every page image with the identity, signature
    and handwriting boxes burnt in, then the text of every page with the identity masked.

    `render(number)` gives page `number`'s served image (`ingest.pages.page_image`). Raises `NotAllowed` when
    `reader` lacks `Action.READ_REDACTED`, LookupError when the document is missing or not done."""
    if reader.principal is not None and not reader.principal.may(Action.READ_REDACTED):
        raise NotAllowed(f"{reader.name} may not have redacted copies")
    info = read_document(store, document_id)
    if info is None or info.record is None:
        raise LookupError(f"document {document_id} has no record")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    record = info.record
    masked = redact_record(record)
    font, _ = _font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=1)
    c.setTitle(f"Bản sao đã ẩn danh tính — văn bản {document_id}")
    numbers = [p.number for p in record.pages] or list(range(1, (info.pages_total or 0) + 1))
    for number in numbers:
        image = redact_page(store, document_id, record, number, render(number)) \
            if is_confidential(record) else render(number)
        pil = Image.fromarray(image[:, :, ::-1] if image.ndim == 3 else image)
        h, w = image.shape[:2]
        page_w = A4[0]
        page_h = page_w * h / w
        c.setPageSize((page_w, page_h))
        c.drawImage(ImageReader(pil), 0, 0, width=page_w, height=page_h)
        c.showPage()
    c.setPageSize(A4)
    margin, size, leading = 56.0, 10.5, 14.0
    y = A4[1] - margin
    c.setFont(font, 13)
    c.drawString(margin, y, f"Văn bản {document_id}: nội dung, danh tính người tố cáo đã ẩn ({MASK})")
    y -= 2 * leading
    for page in masked.pages:
        lines = [f"— Trang {page.number} —"] + _wrap(page.text, font, size, A4[0] - 2 * margin)
        for line in lines:
            if y < margin:
                c.showPage()
                y = A4[1] - margin
            c.setFont(font, size)
            c.drawString(margin, y, line)
            y -= leading
        y -= leading
    c.showPage()
    c.save()
    return out.getvalue()
