"""Vietnamese-written numbers and areas: `1.234,5` (dot thousands, comma decimal), `0,5 ha`, `850 m2`."""

from __future__ import annotations

import re

from classify.normalize import fold_aligned
from donthu.text import fold

# 1.234,5 | 1234,5 | 1234.5 | 14.683.4 (OCR read the decimal comma as a full stop)
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+|\.\d{1,2}(?!\d))?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d)"
_UNITS = (
    (r"m²|m2|m\s*2|rn2|met\s*(?:vuong|[a-z]{1,2}uong|v[a-z]{1,2}ong)|m[oa]t\s*vuong|m\s*vuong|mét\s*vuông", 1.0),
    (r"ha|hecta|hec\s*-?\s*ta|hec-ta|hecta", 10000.0),
    (r"km²|km2", 1_000_000.0),
)
_UNIT_RE = "|".join(f"(?:{u})" for u, _ in _UNITS)
AREA_RE = re.compile(rf"(?<![\d.,])({NUMBER})\s*({_UNIT_RE})(?![a-z0-9])")


def parse_vn_number(text: str) -> float | None:
    """`"1.234,5"` → 1234.5, `"1.234"` → 1234.0, `"0,5"` → 0.5, `"1234"` → 1234.0; None if not a number."""
    s = text.strip().replace(" ", "")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not any(c.isdigit() for c in s):
        return None
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):  # 1.234,5
            s = s.replace(".", "").replace(",", ".")
        else:  # 1,234.5 (English)
            s = s.replace(",", "")
    elif "," in s:
        parts = s.split(",")
        if len(parts) > 2:  # 1,234,567
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif "." in s:
        parts = s.split(".")
        if all(len(p) == 3 for p in parts[1:]) and parts[0] and len(parts[0]) <= 3:
            s = s.replace(".", "")  # thousands
        elif (len(parts) > 2 and len(parts[-1]) <= 2 and all(len(p) == 3 for p in parts[1:-1])
              and 0 < len(parts[0]) <= 3):
            s = "".join(parts[:-1]) + "." + parts[-1]  # 14.683.4: thousands, then a comma read as a stop
        elif len(parts) > 2:
            return None
    try:
        return float(s)
    except ValueError:
        return None


def _unit_factor(unit: str) -> float:
    u = fold_aligned(unit)
    for pattern, factor in _UNITS:
        if re.fullmatch(pattern, u):
            return factor
    return 1.0


def find_areas(text: str) -> list[tuple[int, int, float]]:
    """Every area written in `text`: (start, end, m²)."""
    folded = fold_aligned(text)
    out = []
    for m in AREA_RE.finditer(folded):
        value = parse_vn_number(m.group(1))
        if value is None:
            continue
        out.append((m.start(), m.end(), round(value * _unit_factor(m.group(2)), 4)))
    return out


def parse_area(text: str) -> float | None:
    """`"1.234,5 m²"` → 1234.5, `"0,5 ha"` → 5000.0, `"1.234 mét vuông"` → 1234.0; the first area in text."""
    found = find_areas(text)
    return found[0][2] if found else None


_DIGIT_WORDS = {
    "khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "nham": 5, "sau": 6,
    "bay": 7, "tam": 8, "chin": 9,
}


def parse_number_words(text: str) -> int | None:
    """Vietnamese number words (folded or not): `hai nghìn không trăm hai mươi ba` → 2023, `mười chín` → 19."""
    words = fold(text).split()
    if not words:
        return None
    total, seg, last = 0, 0, None
    for w in words:
        if w in _DIGIT_WORDS:
            if last is not None:
                return None  # two digits in a row
            last = _DIGIT_WORDS[w]
        elif w == "muoi":
            seg += 10 if last is None else last * 10
            last = None
        elif w == "tram":
            seg += (1 if last is None else last) * 100
            last = None
        elif w in ("nghin", "ngan"):
            total += ((seg + (last or 0)) or 1) * 1000
            seg, last = 0, None
        elif w in ("linh", "le", "mong", "mung"):
            continue
        else:
            return None
    return total + seg + (last or 0)
