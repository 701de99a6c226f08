"""Vietnamese dates: `ngày 05 tháng 3 năm 2021`, `05/3/2021`, `05-03-2021`, tolerant of OCR noise."""

from __future__ import annotations

import datetime as dt
import re

from classify.normalize import fold_aligned
from classify.numbers import parse_number_words

# on folded text: "ngay", "thang", "nam" with one possibly wrong letter
_NGAY = r"(?:ngay|ng[a-z]y|nga[a-z]|n[a-z]ay)"
_THANG = r"(?:thang|th[a-z]ng|tha[a-z]g|t[a-z]ang|thanq)"
_NAM = r"(?:nam|n[a-z]m|na[a-z]|narn)"
_D = r"([0-3]?\d)"
_M = r"([01]?\d)"
_Y = r"((?:19|20)\d\d)"
WORDS_DATE = re.compile(rf"(?:{_NGAY}\s*)?{_D}\s*{_THANG}\s*{_M}\s*,?\s*{_NAM}\s*{_Y}(?!\d)")
NUMERIC_DATE = re.compile(rf"(?<![\d/])(?:{_NGAY}\s*)?{_D}\s*([/.\-])\s*{_M}\s*\2\s*{_Y}(?!\d)")


_W = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|nham|sau|bay|tam|chin|muoi|tram|linh|le)"
SPELLED_DATE = re.compile(
    rf"{_NGAY}\s+(?:mong\s+|mung\s+)?({_W}(?:\s+{_W})*?)\s+{_THANG}\s+({_W}(?:\s+{_W})*?)\s+{_NAM}\s+"
    rf"((?:mot|hai)\s+(?:nghin|ngan)(?:\s+{_W})*)"
)


# italic digits as Tesseract reads them on a place-date line: "ngày T8 tháng S", "tháng TÌ", "ngày 2Š"
_OCR_NUM = r"[0-9tilso|§]{1,3}"
OCR_DATE = re.compile(rf"{_NGAY}\s+({_OCR_NUM})\s+{_THANG}\s+({_OCR_NUM})\s+{_NAM}\s+((?:19|20)\d\d)(?!\d)")
_OCR_DIGITS = str.maketrans({"t": "1", "i": "1", "l": "1", "|": "1", "s": "8", "§": "8", "o": "0"})


def _ocr_number(token: str, limit: int) -> str | None:
    """`t8` → 18, `ti` → 11, `s` → 8, `t10` → 10 (a stray mark before a valid number)."""
    digits = token.translate(_OCR_DIGITS)
    for cand in (digits, digits[1:]):
        if cand.isdigit() and 1 <= int(cand) <= limit:
            return cand
    return None


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        return dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Every date in `text`: (start, end, 'YYYY-MM-DD'), in order of position."""
    folded = fold_aligned(text)
    out = []
    for m in WORDS_DATE.finditer(folded):
        iso = _iso(m.group(1), m.group(2), m.group(3))
        if iso:
            out.append((m.start(), m.end(), iso))
    for m in NUMERIC_DATE.finditer(folded):
        iso = _iso(m.group(1), m.group(3), m.group(4))
        if iso and not any(s <= m.start() < e for s, e, _ in out):
            out.append((m.start(), m.end(), iso))
    for m in OCR_DATE.finditer(folded):
        if any(s <= m.start() < e for s, e, _ in out) or (m.group(1).isdigit() and m.group(2).isdigit()):
            continue
        day, month = _ocr_number(m.group(1), 31), _ocr_number(m.group(2), 12)
        iso = _iso(day, month, m.group(3)) if day and month else None
        if iso:
            out.append((m.start(), m.end(), iso))
    for m in SPELLED_DATE.finditer(folded):
        nums = [parse_number_words(g) for g in m.groups()]
        if None not in nums and not any(s <= m.start() < e for s, e, _ in out):
            iso = _iso(str(nums[0]), str(nums[1]), str(nums[2]))
            if iso:
                out.append((m.start(), m.end(), iso))
    return sorted(out)


def parse_vn_date(text: str) -> str | None:
    """The first date written in `text` as ISO `YYYY-MM-DD`, or None."""
    found = find_dates(text)
    return found[0][2] if found else None


_PLACE_DATE = re.compile(
    rf"^[^\n]{{0,60}}?,\s*{_NGAY}\s*(?:[0-3]?\d\s*[/.\-]\s*[01]?\d\s*[/.\-]|{_OCR_NUM}\s+{_THANG})", re.M
)
_LINE_DATE = re.compile(rf"^[ \t]*{_NGAY}\s*[0-3]?\d\s*(?:{_THANG}|[/.\-]\s*[01]?\d\s*[/.\-])", re.M)


def document_date(text: str) -> str | None:
    """The document's own date from its place-date line (`Chợ Mới, ngày 05 tháng 3 năm 2021`)."""
    folded = fold_aligned(text)
    for pattern in (_PLACE_DATE, _LINE_DATE):
        for m in pattern.finditer(folded):
            prefix = folded[m.start():m.end()].split(",")[0].strip()
            if pattern is _PLACE_DATE and (prefix.startswith(("can cu", "theo", "vao")) or len(prefix.split()) > 6):
                continue
            line_end = folded.find("\n", m.start())
            iso = parse_vn_date(text[m.start(): line_end if line_end != -1 else len(text)])
            if iso:
                return iso
    # minutes: "Hôm nay, ngày …" / "Vào lúc 15 giờ ngày …" in the opening lines
    for m in _OPENING.finditer(folded, 0, _head_end(folded)):
        line_end = folded.find("\n", m.start())
        iso = parse_vn_date(text[m.start(): line_end if line_end != -1 else len(text)])
        if iso:
            return iso
    return None


_OPENING = re.compile(r"^[ \t]*(?:hom nay|vao (?:hoi|luc)|luc|hoi)\b", re.M)


def _head_end(folded: str, lines: int = 25) -> int:
    pos = 0
    for _ in range(lines):
        nxt = folded.find("\n", pos)
        if nxt == -1:
            return len(folded)
        pos = nxt + 1
    return pos
