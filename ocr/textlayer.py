"""Text and word boxes of a born-digital PDF page: characters → words (pdfplumber's WordExtractor) → lines.

Words come back in reading order (lines top-to-bottom, words left-to-right), NFC, with boxes in pixels of the
page's preview image (pdfium render of the crop box at `scale` = preview_dpi / 72), `line` set.

Where the characters come from: pdfplumber's own `page.chars` (pdfminer, pure Python: ~40-80 ms a page,
which alone caps born-digital ingest near 10 pages/s per core), or, for the common page whose media box
starts at the origin, equals its crop box and is not rotated, `PdfiumChars`: the same character dicts
(text, x0/x1/top/bottom in pdfplumber's top-left coordinates, size, fontname, upright) read from pdfium's
text page (C++, ~5 ms a page). Either way pdfplumber's WordExtractor forms the words.
`DONTHU_TEXT_CHARS=pdfplumber` (Settings.text_chars) forces pdfplumber's characters everywhere.

A text layer is believed only when it reads as the language (`judge_text_layer`): scanners and old office
software write layers whose fonts cannot encode Vietnamese ("CONG HOA xA HQI CilU NGHIA VIT NAM"); such a
page is OCR'd like a scan and the reason goes on the page.
"""

from __future__ import annotations

import ctypes
import functools
import math
from dataclasses import dataclass

import numpy as np
import pdfplumber.page
from pdfplumber.utils.text import WordExtractor

from donthu.text import nfc
from donthu.types import Word
from ocr.syllables import TextScore, is_syllable_shape, text_scores

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


# ------------------------------------------------------------------------------------------ judging a layer
#: below this many word tokens a layer is kept (a title page, a table of numbers, a signature page): too
#: little to judge, and OCR would add a second or more for a page that is most likely fine
MIN_JUDGED_WORDS = 20
#: a layer with a larger share of its characters unmapped ((cid:N), U+FFFD, private use) is rejected
MAX_UNMAPPED_SHARE = 0.03
#: valid-syllable share below which a layer is not Vietnamese: 600 generated born-digital pages score 0.90-1.00
#: (median 1.00), the 4 real transcriptions 1.00, the six pages of the congvan_colour200 scanner layer 0.52-0.60
#: (docs/quality.md, "Text layers judged")
MIN_VALID_SHARE = 0.75
#: ... and below WEAK_VALID_SHARE with fewer than WEAK_DIACRITIC_SHARE of the words marked, it is not either
#: (real Vietnamese carries marks on 0.67-0.94 of its words, the scanner layer on 0.21-0.31)
WEAK_VALID_SHARE = 0.90
WEAK_DIACRITIC_SHARE = 0.50
#: a text of Vietnamese shapes (syllables when tones are ignored) with fewer marks than this lost them
MIN_DIACRITIC_SHARE = 0.30
_TONELESS_SHAPE_SHARE = 0.70
#: English function words: a layer with ≥ 10 % of them among its words is English (kept as it is). Most are
#: no Vietnamese syllable even without marks; "the", "to", "by", "in", "on", "be" are, but a Vietnamese text
#: that lost its marks rarely writes them (measured: 0.6-2.7 % on the six pages of the congvan_colour200 scanner
#: layer; 14.6-21.8 % on this project's English docs, code included)
_ENGLISH_WORDS = frozenset((
    "the to by in on be of and is for with from which have has was were will this its their these those "
    "shall should such other are been would could into than what when where who whom whose there being "
    "does did about after before between under upon within without all any each both only same also that"
).split())
_ENGLISH_SHARE = 0.10


@dataclass(frozen=True)
class LayerVerdict:
    """Whether a page's text layer is believed; `reason` says why not (for the page's notes)."""

    trusted: bool
    reason: str
    score: TextScore


def judge_text_layer(text: str, characters: int = 0, unmapped: int = 0) -> LayerVerdict:
    """Does this text layer read as the language?

    `characters` / `unmapped`: the layer's non-space characters and how many of them had no Unicode
    (counted before the words are formed, which drop "(cid:N)"); unmapped glyphs found in `text` count too.
    Rejected: more than MAX_UNMAPPED_SHARE unmapped; with at least MIN_JUDGED_WORDS word tokens and unless
    the page is English: fewer than MIN_VALID_SHARE valid syllables, or fewer than WEAK_VALID_SHARE with
    fewer than WEAK_DIACRITIC_SHARE of the words marked, or Vietnamese shapes with fewer than
    MIN_DIACRITIC_SHARE marked. Costs one `text_scores` (0.15-0.3 ms a page).
    """
    score = text_scores(text)
    unmapped = max(unmapped, score.unmapped)
    characters = max(characters, len(text) - text.count(" ") - text.count("\n"))
    if unmapped > max(3, MAX_UNMAPPED_SHARE * characters):
        share = unmapped / max(1, characters)
        return LayerVerdict(False, f"text layer rejected: {unmapped} unmapped glyphs ({share:.0%} of the "
                                   f"characters)", score)
    if score.word_tokens < MIN_JUDGED_WORDS:
        return LayerVerdict(True, "", score)
    valid, diacritics = score.valid_share, score.diacritic_share
    marks = "no diacritics" if score.diacritic_tokens == 0 else f"{diacritics:.0%} of words with diacritics"
    reason = ""
    if valid < MIN_VALID_SHARE or (valid < WEAK_VALID_SHARE and diacritics < WEAK_DIACRITIC_SHARE):
        reason = f"text layer rejected: {valid:.0%} valid syllables, {marks}"
    elif diacritics < MIN_DIACRITIC_SHARE and _shape_share(text, score) >= _TONELESS_SHAPE_SHARE:
        reason = f"text layer rejected: Vietnamese without its tone marks ({marks})"
    if reason and _english_share(text, score) >= _ENGLISH_SHARE:
        reason = ""  # an English page: no Vietnamese, but nothing broken either
    return LayerVerdict(not reason, reason, score)


def _words(text: str) -> list[str]:
    return [w.strip(".,;:!?()[]\"'“”‘’").lower() for w in text.split()]


def _english_share(text: str, score: TextScore) -> float:
    hits = sum(1 for w in _words(text) if w in _ENGLISH_WORDS)
    return hits / max(1, score.word_tokens + score.foreign)


def _shape_share(text: str, score: TextScore) -> float:
    """Share of word tokens that are syllables once tones are ignored ("NHAN", "VIT", "DAN")."""
    shapes = sum(1 for w in _words(text) if w and is_syllable_shape(w))
    return shapes / max(1, score.word_tokens)


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop a character drawn again at (almost) the same place with the same font (fake bold, shadows).

    Linear time (pdfplumber's own dedupe_chars is quadratic in the number of characters): characters of one
    (text, font, size, upright) are kept in rows of _DUPLICATE_TOLERANCE, and only the neighbouring rows are
    compared.
    """
    if not _may_hold_duplicates(chars):
        return chars
    kept: list[dict] = []
    seen: dict[tuple, dict[int, list[tuple[float, float]]]] = {}
    tolerance = _DUPLICATE_TOLERANCE
    for ch in chars:
        top, x0 = float(ch["top"]), float(ch["x0"])
        key = (ch["text"], ch.get("fontname"), round(float(ch.get("size", 0)), 1), ch.get("upright"))
        bucket = int(top // tolerance)
        rows = seen.get(key)
        if rows is None:
            seen[key] = {bucket: [(top, x0)]}
            kept.append(ch)
            continue
        duplicate = False
        for b in (bucket - 1, bucket, bucket + 1):
            for other_top, other_x0 in rows.get(b, ()):
                if abs(other_top - top) <= tolerance and abs(other_x0 - x0) <= tolerance:
                    duplicate = True
                    break
            if duplicate:
                break
        if not duplicate:
            rows.setdefault(bucket, []).append((top, x0))
            kept.append(ch)
    return kept


def _may_hold_duplicates(chars: list[dict]) -> bool:
    """False when no two characters of the same text lie within _DUPLICATE_TOLERANCE of each other (both
    axes), so that `_dedupe` would keep them all: most pages, checked with numpy in a fraction of the loop's
    time. Two such characters fall in the same or neighbouring cells of a grid of that size."""
    if len(chars) < 2:
        return False
    tolerance = _DUPLICATE_TOLERANCE
    texts: dict[str, int] = {}
    text_id = np.fromiter((texts.setdefault(c["text"], len(texts)) for c in chars), np.int64, len(chars))
    cell_x = np.floor(np.fromiter((float(c["x0"]) for c in chars), np.float64, len(chars)) / tolerance).astype(np.int64)
    cell_y = np.floor(np.fromiter((float(c["top"]) for c in chars), np.float64, len(chars)) / tolerance).astype(np.int64)
    cell_x -= cell_x.min() - 1  # ≥ 1, so that a neighbour at -1 stays non-negative
    cell_y -= cell_y.min() - 1
    width, height = int(cell_x.max()) + 2, int(cell_y.max()) + 2
    codes = np.sort((text_id * height + cell_y) * width + cell_x)
    if np.any(codes[1:] == codes[:-1]):  # two in one cell
        return True
    # a neighbouring cell of the same text (half of the eight directions: the other half is the same pairs)
    for offset in (1, width - 1, width, width + 1):
        found = np.searchsorted(codes, codes + offset)
        if np.any(codes[np.minimum(found, codes.size - 1)] == codes + offset):
            return True
    return False


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


@functools.lru_cache(maxsize=1)
def _text_object_address():
    """pdfium's FPDFText_GetTextObject answering the object's address as an int (pypdfium2's binding answers
    a ctypes pointer object, which costs more to turn into a dictionary key than the call itself)."""
    import pypdfium2.raw as pdfium_c

    bound = pdfium_c.FPDFText_GetTextObject
    prototype = ctypes.CFUNCTYPE(ctypes.c_void_p, *bound.argtypes)
    return prototype(ctypes.cast(bound, ctypes.c_void_p).value)


def pdfium_chars_enabled(settings) -> bool:
    """Settings.text_chars (env DONTHU_TEXT_CHARS): pdfium's characters unless "pdfplumber"."""
    return settings.text_chars != "pdfplumber"


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
            # one ctypes call costs about what the rest of a character's handling does: bound once here
            is_generated, unicode_of, map_error = (pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetUnicode,
                                                   pdfium_c.FPDFText_HasUnicodeMapError)
            loose_box, text_object = pdfium_c.FPDFText_GetLooseCharBox, _text_object_address()
            # size, font and angle belong to the text object (one per run of text): read for its first char
            by_object: dict[int, tuple[float, str, bool]] = {}
            chars: list[dict] = []
            for i in range(pdfium_c.FPDFText_CountChars(raw)):
                code = unicode_of(raw, i)
                # the characters pdfium generates itself are spaces and line breaks: only those are asked
                if code in (32, 13, 10) and is_generated(raw, i) == 1:
                    continue
                if map_error(raw, i) == 1 or code == 0:
                    text = "(cid:0)"
                else:
                    try:
                        text = chr(code)
                    except ValueError:
                        text = "(cid:0)"
                if text in ("\r", "\n"):
                    continue
                if not loose_box(raw, i, rect):
                    continue
                handle = text_object(raw, i) or 0
                style = by_object.get(handle) if handle else None
                if style is None:
                    size = float(pdfium_c.FPDFText_GetFontSize(raw, i))
                    length = pdfium_c.FPDFText_GetFontInfo(raw, i, name, 256, flags)
                    font_name = name.value.decode("utf-8", "replace") if length else ""
                    angle = float(pdfium_c.FPDFText_GetCharAngle(raw, i))
                    style = (size, font_name, abs(angle) < 1e-3 or abs(angle - 2 * math.pi) < 1e-3)
                    if handle:
                        by_object[handle] = style
                size, font_name, upright = style
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
