"""Vietnamese-written numbers and areas: `1.234,5` (dot thousands, comma decimal), `0,5 ha`, `850 m2`, and the
Mekong-delta units citizens write (`3 công`, `1,5 công tầm cấy`, `2 sào`, `1 mẫu`).

Only units whose size is fixed by law convert to m² (m², ha, km²). A công (1,000 m² tầm nhỏ or 1,296 m² tầm
lớn / tầm cấy by custom), a sào and a mẫu have sizes that vary by place: they are kept as the count and unit
written (`Area.value`, `Area.unit`) with no m², unless the text states the m² beside them (`2 công (2.000 m²)`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
# local units (folded): "công" with its customary qualifier, "sào", "mẫu" — not "3 công chức", "2 công văn",
# "01 mẫu đơn", "bản sao"; the unit's own word must follow the count directly
_NOT_UNIT_AFTER = (r"(?![ \t]*(?:chuc|van|trinh|nhan|dan|ty|viec|tac|an|doan|nghe|bo|khai|lao|suc|cu|ich|lap|"
                   r"thuong|nhat|ly|binh|trai|dung|hieu|khoan|don|so|bieu|phieu|giay|to|y|chep|ke|luc|no|sai)(?![a-z]))")
LOCAL_AREA_RE = re.compile(
    rf"(?<![\d.,/])({NUMBER})[ \t]*(cong(?:[ \t]+tam[ \t]+(?:cay|lon|nho))?|sao|mau)(?![a-z0-9]){_NOT_UNIT_AFTER}")
_LOCAL_UNIT = {"cong": "công", "cong tam cay": "công tầm cấy", "cong tam lon": "công tầm lớn",
               "cong tam nho": "công tầm nhỏ", "sao": "sào", "mau": "mẫu"}
# between a local unit and the m² the text states for it: "3 công (3.000 m²)", "2 sào, tương đương 2.000 m2"
_STATED = re.compile(r"[ \t]*(?:[a-z ]{0,12}?[ \t]*)?(?:\(|,|-|–)?[ \t]*(?:khoang|tuong duong(?: voi)?|tuc la|tuc|bang|=|"
                     r"dien tich)?[ \t]*(?:khoang[ \t]*)?$")
_UNIT_NAME = ("m²", "ha", "km²")


@dataclass(frozen=True)
class Area:
    """An area as written. `m2` is None for a local unit whose m² the text does not state."""

    start: int
    end: int
    m2: float | None
    text: str  # the count and unit as written: "1,5 công tầm cấy", "2.610 m²"
    value: float  # the count written: 1.5
    unit: str  # "m²", "ha", "km²", "công", "công tầm cấy", "công tầm lớn", "công tầm nhỏ", "sào", "mẫu"


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


def find_area_mentions(text: str) -> list[Area]:
    """Every area written in `text`, in order; a local unit followed by the m² the text states for it
    (`3 công (3.000 m²)`) is one area with that m²."""
    folded = fold_aligned(text)
    metric, local = [], []
    for m in AREA_RE.finditer(folded):
        value = parse_vn_number(m.group(1))
        if value is None:
            continue
        unit = next(name for (pattern, _), name in zip(_UNITS, _UNIT_NAME) if re.fullmatch(pattern, m.group(2)))
        metric.append(Area(m.start(), m.end(), round(value * _unit_factor(m.group(2)), 4),
                           _written(text, m.start(), m.end()), value, unit))
    for m in LOCAL_AREA_RE.finditer(folded):
        value = parse_vn_number(m.group(1))
        if value is None or any(a.start <= m.start() < a.end for a in metric):
            continue
        unit = _LOCAL_UNIT[re.sub(r"[ \t]+", " ", m.group(2))]
        local.append(Area(m.start(), m.end(), None, _written(text, m.start(), m.end()), value, unit))
    out, used = [], set()
    for a in local:
        stated = next((b for b in metric if b.start >= a.end and b.start - a.end <= 30
                       and _STATED.fullmatch(folded[a.end:b.start])), None)
        if stated is not None:
            used.add(stated.start)
            a = Area(a.start, stated.end, stated.m2, a.text, a.value, a.unit)
        out.append(a)
    out += [b for b in metric if b.start not in used]
    return sorted(out, key=lambda a: a.start)


def _written(text: str, start: int, end: int) -> str:
    return re.sub(r"\s+", " ", text[start:end]).strip()


def find_areas(text: str) -> list[tuple[int, int, float]]:
    """Every area in `text` that has a size in m²: (start, end, m²)."""
    return [(a.start, a.end, a.m2) for a in find_area_mentions(text) if a.m2 is not None]


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
