"""An Giang gazetteer (names in force before the 2025 merger) and place-phrase parsing.

`find_places(text)` reads `xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang` style phrases;
`resolve_commune` / `resolve_district` map an OCR-damaged name back to its gazetteer spelling (by fold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from donthu.text import fold

from classify.normalize import fold_aligned

PROVINCE = "An Giang"

# district-level unit → its communes, wards and townships
AN_GIANG: dict[str, tuple[str, ...]] = {
    "Long Xuyên": (
        "Mỹ Bình", "Mỹ Long", "Đông Xuyên", "Mỹ Xuyên", "Bình Đức", "Bình Khánh", "Mỹ Phước", "Mỹ Quý",
        "Mỹ Thới", "Mỹ Thạnh", "Mỹ Hòa", "Mỹ Khánh", "Mỹ Hòa Hưng",
    ),
    "Châu Đốc": ("Châu Phú A", "Châu Phú B", "Núi Sam", "Vĩnh Mỹ", "Vĩnh Ngươn", "Vĩnh Tế", "Vĩnh Châu"),
    "Tân Châu": (
        "Long Thạnh", "Long Hưng", "Long Châu", "Long Phú", "Long Sơn", "Phú Lộc", "Vĩnh Xương", "Vĩnh Hòa",
        "Tân Thạnh", "Tân An", "Long An", "Châu Phong", "Phú Vĩnh", "Lê Chánh",
    ),
    "Tịnh Biên": (
        "Nhà Bàng", "Chi Lăng", "Tịnh Biên", "An Phú", "Nhơn Hưng", "Núi Voi", "Thới Sơn", "An Cư", "An Hảo",
        "An Nông", "Tân Lập", "Tân Lợi", "Văn Giáo", "Vĩnh Trung",
    ),
    "An Phú": (
        "An Phú", "Long Bình", "Khánh An", "Khánh Bình", "Quốc Thái", "Nhơn Hội", "Phú Hữu", "Phú Hội",
        "Phước Hưng", "Vĩnh Lộc", "Vĩnh Hậu", "Vĩnh Trường", "Vĩnh Hội Đông", "Đa Phước",
    ),
    "Châu Phú": (
        "Cái Dầu", "Vĩnh Thạnh Trung", "Bình Chánh", "Bình Long", "Bình Mỹ", "Bình Phú", "Bình Thủy",
        "Đào Hữu Cảnh", "Khánh Hòa", "Mỹ Đức", "Mỹ Phú", "Ô Long Vỹ", "Thạnh Mỹ Tây",
    ),
    "Châu Thành": (
        "An Châu", "Vĩnh Bình", "An Hòa", "Bình Hòa", "Bình Thạnh", "Cần Đăng", "Hòa Bình Thạnh", "Tân Phú",
        "Vĩnh An", "Vĩnh Hanh", "Vĩnh Lợi", "Vĩnh Nhuận", "Vĩnh Thành",
    ),
    "Chợ Mới": (
        "Chợ Mới", "Mỹ Luông", "Hội An", "An Thạnh Trung", "Bình Phước Xuân", "Hòa An", "Hòa Bình", "Kiến An",
        "Kiến Thành", "Long Điền A", "Long Điền B", "Long Giang", "Long Kiến", "Mỹ An", "Mỹ Hiệp",
        "Mỹ Hội Đông", "Nhơn Mỹ", "Tấn Mỹ",
    ),
    "Phú Tân": (
        "Phú Mỹ", "Chợ Vàm", "Bình Thạnh Đông", "Hiệp Xương", "Hòa Lạc", "Long Hòa", "Phú An", "Phú Bình",
        "Phú Hiệp", "Phú Hưng", "Phú Lâm", "Phú Long", "Phú Thành", "Phú Thạnh", "Phú Thọ", "Phú Xuân",
        "Tân Hòa", "Tân Trung",
    ),
    "Thoại Sơn": (
        "Núi Sập", "Óc Eo", "Phú Hòa", "An Bình", "Bình Thành", "Định Mỹ", "Định Thành", "Mỹ Phú Đông",
        "Phú Thuận", "Tây Phú", "Thoại Giang", "Vĩnh Chánh", "Vĩnh Khánh", "Vĩnh Phú", "Vĩnh Trạch",
        "Vọng Đông", "Vọng Thê",
    ),
    "Tri Tôn": (
        "Tri Tôn", "Ba Chúc", "Cô Tô", "An Tức", "Châu Lăng", "Lạc Quới", "Lê Trì", "Lương An Trà",
        "Lương Phi", "Núi Tô", "Ô Lâm", "Tà Đảnh", "Tân Tuyến", "Vĩnh Gia", "Vĩnh Phước",
    ),
}



@lru_cache(maxsize=1)
def _district_index() -> dict[str, str]:
    return {fold(d): d for d in AN_GIANG}


@lru_cache(maxsize=1)
def _commune_index() -> dict[str, list[tuple[str, str]]]:
    index: dict[str, list[tuple[str, str]]] = {}
    for district, communes in AN_GIANG.items():
        for c in communes:
            index.setdefault(fold(c), []).append((c, district))
    return index


def resolve_district(name: str) -> str | None:
    """Gazetteer spelling of an An Giang district-level unit, matched without diacritics; else None."""
    return _district_index().get(fold(name).strip())


def resolve_commune(name: str, district: str | None = None) -> tuple[str, str] | None:
    """(commune, district) from the gazetteer; None if unknown or ambiguous without `district`."""
    hits = _commune_index().get(fold(name).strip(), [])
    if district:
        d = resolve_district(district) or district
        hits = [h for h in hits if h[1] == d]
    return hits[0] if len(hits) == 1 else None


def is_known_place(name: str) -> bool:
    """A district, commune or the province as named in the gazetteer (without diacritics)."""
    key = fold(name).strip()
    return key in _district_index() or key in _commune_index() or key == fold(PROVINCE)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    commune: str | None = None
    district: str | None = None
    province: str | None = None


_LEVEL_RE = re.compile(
    r"(?<![\w])(xa|phuong|thi tran|dac khu|huyen|thi xa|thanh pho|quan|tinh|tp\.?|tx\.?|tt\.?)[ \t]+(?=\S)"
)
_LEVEL_KIND = {
    "xa": "commune", "phuong": "commune", "thi tran": "commune", "dac khu": "commune", "tt": "commune",
    "tt.": "commune",
    "huyen": "district", "thi xa": "district", "thanh pho": "district", "quan": "district", "tp": "district",
    "tp.": "district", "tx": "district", "tx.": "district", "tinh": "province",
}


_CAPITAL_LEVELS = {"Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Thị xã", "Thành phố", "Quận", "Tỉnh",
                   "XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU", "HUYỆN", "THỊ XÃ", "THÀNH PHỐ", "QUẬN", "TỈNH"}
_STOP_WORDS = {"UBND", "TP", "TX", "TT", "TP.", "TX.", "TT."} | _CAPITAL_LEVELS


def _read_name(text: str, pos: int) -> tuple[str, int] | None:
    """Capitalised words from pos (a place's proper name), stopping at punctuation or a lower-case word."""
    words = []
    i = pos
    word_re = re.compile(r"[ \t]*(?:\n[ \t]*)?([^\s,.;:()\[\]]+)")
    while len(words) < 5:
        m = word_re.match(text, i)
        if not m:
            break
        if "\n" in text[i:m.start(1)] and (not words or is_known_place(" ".join(words))):
            break  # a line break ends a name unless it splits one (OCR wraps lines anywhere)
        w = m.group(1)
        if not (w[0].isupper() or w[0].isdigit()):
            break
        if w in _STOP_WORDS or text[m.start(1):m.start(1) + 9] in _CAPITAL_LEVELS:
            break
        words.append(w)
        i = m.end()
    if not words:
        return None
    name = " ".join(words)
    if name.isupper():  # a heading: "HUYỆN THOẠI SƠN"
        name = _canonical(name)
    return name, i


def _canonical(name: str) -> str:
    district = resolve_district(name)
    if district:
        return district
    hits = _commune_index().get(fold(name).strip(), [])
    if hits:
        return hits[0][0]
    return PROVINCE if fold(name) == fold(PROVINCE) else name.title()


def find_places(text: str) -> list[Place]:
    """Place phrases: runs of `xã X, huyện Y, tỉnh Z` (any subset, in order); names without level words."""
    folded = fold_aligned(text)
    items: list[tuple[int, int, str, str]] = []
    for m in _LEVEL_RE.finditer(folded):
        written = text[m.start():m.end()].strip()
        if not (written[0].islower() or written.rstrip(".") in ("TP", "TX", "TT") or written in _CAPITAL_LEVELS):
            continue  # "Tịnh Biên" is a name, not "tỉnh"
        level = _LEVEL_KIND[m.group(1)]
        got = _read_name(text, m.end())
        if not got:
            continue
        name, end = got
        if level == "district" and m.group(1) == "thanh pho" and fold(name) == "ho chi minh":
            pass
        items.append((m.start(), end, level, name))
    places: list[Place] = []
    current: dict = {}
    for start, end, level, name in items:
        if current and (start - current["end"] > 4 or level in current or
                        _rank(level) <= _rank(current["last"])):
            places.append(_mk(current))
            current = {}
        if not current:
            current = {"start": start}
        current[level] = name
        current["end"] = end
        current["last"] = level
    if current:
        places.append(_mk(current))
    return places


def _rank(level: str) -> int:
    return {"commune": 0, "district": 1, "province": 2}[level]


def _mk(d: dict) -> Place:
    commune, district, province = d.get("commune"), d.get("district"), d.get("province")
    return Place(d["start"], d["end"], commune, district, province)


def complete(place: Place) -> Place:
    """Fill the district (and province) of an An Giang commune from the gazetteer when not written."""
    commune, district, province = place.commune, place.district, place.province
    if commune and not district:
        hit = resolve_commune(commune)
        if hit:
            district = hit[1]
    if district and not province and resolve_district(district) and (
        not commune or resolve_commune(commune, district)
    ):
        province = PROVINCE
    return Place(place.start, place.end, commune, district, province)
