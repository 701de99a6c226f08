"""Text and word boxes of a born-digital PDF page: characters → words (pdfplumber's WordExtractor) → lines.

Words come back in reading order (lines top-to-bottom, words left-to-right), NFC, with boxes in pixels of the
page's preview image (pdfium render of the crop box at `scale` = preview_dpi / 72), `line` set.

Where the characters come from: pdfplumber's own `page.chars` (pdfminer, pure Python: ~40-80 ms a page,
which alone caps born-digital ingest near 10 pages/s per core), or, for the common page whose media box
starts at the origin, equals its crop box and is not rotated, `PdfiumChars`: the same character dicts
(text, x0/x1/top/bottom in pdfplumber's top-left coordinates, size, fontname, upright) read from pdfium's
text page (C++, ~5 ms a page). Either way pdfplumber's WordExtractor forms the words.
`DONTHU_TEXT_CHARS=pdfplumber` forces pdfplumber's characters everywhere.
"""

from __future__ import annotations

import ctypes
import math
import os

import pdfplumber.page
from pdfplumber.utils.text import WordExtractor

from donthu.text import nfc
from donthu.types import Word

#: horizontal gap (as a share of the font size) below which two characters belong to one word; a space in
#: Times/Liberation Serif is 0.25 em, letter spacing in justified text stays well under 0.15 em
_X_TOLERANCE_RATIO = 0.15
_Y_TOLERANCE = 3.0
#: two words are on one line when their vertical extents overlap by this share of the shorter one
_LINE_OVERLAP = 0.5
#: fake bold: the same glyph drawn again within this distance (points)
_DUPLICATE_TOLERANCE = 1.0


def read_text_layer(page: pdfplumber.page.Page, scale: float) -> tuple[str, list[Word]]:
    """(text, words) of `page`; text joins words with spaces and lines with newlines."""
    extractor = WordExtractor(
        x_tolerance=1.5,
        x_tolerance_ratio=_X_TOLERANCE_RATIO,
        y_tolerance=_Y_TOLERANCE,
        keep_blank_chars=False,
        use_text_flow=False,
        expand_ligatures=True,
    )
    raw = extractor.extract_words(_dedupe(page.chars))
    raw = [w for w in raw if w["text"].strip() and not w["text"].startswith("(cid:")]
    crop_x0, crop_top = float(page.cropbox[0]), float(page.cropbox[1])
    lines = _group_lines(raw)
    words: list[Word] = []
    text_lines: list[str] = []
    for line_no, line in enumerate(lines):
        texts = []
        for w in line:
            text = nfc(w["text"])
            texts.append(text)
            left = (float(w["x0"]) - crop_x0) * scale
            top = (float(w["top"]) - crop_top) * scale
            right = (float(w["x1"]) - crop_x0) * scale
            bottom = (float(w["bottom"]) - crop_top) * scale
            words.append(Word(
                text=text,
                left=max(0, math.floor(left)),
                top=max(0, math.floor(top)),
                width=max(1, math.ceil(right) - math.floor(left)),
                height=max(1, math.ceil(bottom) - math.floor(top)),
                confidence=None,
                line=line_no,
                block=0,
            ))
        text_lines.append(" ".join(texts))
    return nfc("\n".join(text_lines)), words


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop a character drawn again at (almost) the same place with the same font (fake bold, shadows).

    Linear time (pdfplumber's own dedupe_chars is quadratic in the number of characters).
    """
    kept: list[dict] = []
    seen: dict[tuple, list[tuple[float, float]]] = {}
    for ch in chars:
        top, x0 = float(ch["top"]), float(ch["x0"])
        key = (ch["text"], ch.get("fontname"), round(float(ch.get("size", 0)), 1), ch.get("upright"))
        bucket = int(top // _DUPLICATE_TOLERANCE)
        duplicate = False
        for b in (bucket - 1, bucket, bucket + 1):
            for other_top, other_x0 in seen.get(key + (b,), ()):
                if max(abs(other_top - top), abs(other_x0 - x0)) <= _DUPLICATE_TOLERANCE:
                    duplicate = True
                    break
            if duplicate:
                break
        if not duplicate:
            seen.setdefault(key + (bucket,), []).append((top, x0))
            kept.append(ch)
    return kept


def _group_lines(words: list[dict]) -> list[list[dict]]:
    """Cluster words into lines by vertical overlap; lines top-to-bottom, words left-to-right."""
    lines: list[tuple[float, float, list[dict]]] = []  # (top, bottom, words)
    for w in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        top, bottom = float(w["top"]), float(w["bottom"])
        if lines:
            line_top, line_bottom, members = lines[-1]
            overlap = min(bottom, line_bottom) - max(top, line_top)
            shorter = max(1e-6, min(bottom - top, line_bottom - line_top))
            if overlap >= _LINE_OVERLAP * shorter:
                members.append(w)
                lines[-1] = (min(top, line_top), max(bottom, line_bottom), members)
                continue
        lines.append((top, bottom, [w]))
    return [sorted(members, key=lambda w: float(w["x0"])) for _, _, members in lines]


def pdfium_chars_enabled() -> bool:
    return os.environ.get("DONTHU_TEXT_CHARS", "").lower() != "pdfplumber"


class PdfiumChars:
    """A pdfplumber-shaped page (`chars`, `cropbox`, `close()`) whose characters come from pdfium's text page.

    Only for pages where both coordinate systems agree simply: media box at (0, 0), crop box = media box,
    no /Rotate (`usable` says so; otherwise use pdfplumber's page). Character boxes follow pdfminer: x0/x1
    and the bottom from pdfium's loose box (advance width, font descent), the top = bottom - font size (pdfium
    raises the loose top for tall glyphs such as Ộ, pdfminer does not); characters pdfium generated itself
    (spaces, line breaks between text runs) are left out, unmapped glyphs read "(cid:0)" as in pdfminer.
    """

    def __init__(self, pdfium_page) -> None:
        self._page = pdfium_page
        self._chars: list[dict] | None = None
        left, bottom, right, top = (float(v) for v in pdfium_page.get_mediabox())
        self.height = top - bottom
        self.width = right - left
        self.cropbox = (0.0, 0.0, self.width, self.height)
        crop = tuple(float(v) for v in pdfium_page.get_cropbox())
        self.usable = (
            abs(left) < 0.01 and abs(bottom) < 0.01
            and all(abs(a - b) < 0.01 for a, b in zip(crop, (left, bottom, right, top)))
            and pdfium_page.get_rotation() == 0
        )

    @property
    def chars(self) -> list[dict]:
        if self._chars is None:
            self._chars = self._read()
        return self._chars

    def _read(self) -> list[dict]:
        import pypdfium2.raw as pdfium_c

        textpage = self._page.get_textpage()
        try:
            raw = textpage.raw
            rect = pdfium_c.FS_RECTF()
            name = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            height = self.height
            chars: list[dict] = []
            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                    continue
                code = pdfium_c.FPDFText_GetUnicode(raw, i)
                if pdfium_c.FPDFText_HasUnicodeMapError(raw, i) == 1 or code == 0:
                    text = "(cid:0)"
                else:
                    try:
                        text = chr(code)
                    except ValueError:
                        text = "(cid:0)"
                if text in ("\r", "\n"):
                    continue
                if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect):
                    continue
                size = float(pdfium_c.FPDFText_GetFontSize(raw, i))
                length = pdfium_c.FPDFText_GetFontInfo(raw, i, name, 256, flags)
                font_name = name.value.decode("utf-8", "replace") if length else ""
                angle = float(pdfium_c.FPDFText_GetCharAngle(raw, i))
                upright = abs(angle) < 1e-3 or abs(angle - 2 * math.pi) < 1e-3
                bottom_y = height - float(rect.bottom)
                top_y = bottom_y - size if size > 0 and upright else height - float(rect.top)
                chars.append({
                    "text": text, "x0": float(rect.left), "x1": float(rect.right),
                    "top": top_y, "bottom": bottom_y, "doctop": top_y,
                    "size": size, "fontname": font_name, "upright": upright,
                })
            return chars
        finally:
            textpage.close()

    def close(self) -> None:
        self._page.close()
