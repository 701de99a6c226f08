"""Land parcels: `thửa đất số 45, tờ bản đồ số 12` in all its written forms, with area, land use and place."""

from __future__ import annotations

import re
from dataclasses import dataclass

from donthu.schema import Parcel
from donthu.text import fold

from classify.normalize import VI_LOWER, fold_aligned, fuzzy_phrase
from classify.numbers import find_area_mentions
from classify.places import Place, complete, find_places

_THUA_KW = rf"(?:{fuzzy_phrase('thua dat')}|thua|thu'a)"
# a "tờ bản đồ số" OCR damaged in several letters keeps its shape: "Tờ hản đầ sấ 51"
_TO_DAMAGED = r"to\s+[a-z]{1,2}an\s+d[a-z]{1,2}\s+s[a-z]?(?=\s*\d)"
_TO_KW = rf"(?:{fuzzy_phrase('to ban do')}(?:\s+dia\s+chinh)?|{_TO_DAMAGED}|to\s+bd|to)"
# "số" as OCR reads it: "sô"/"sổ" fold to "so" already; a zero for the o, or "sẽ" for "số"
_SO = r"s[o0e]"
# OCR's full stop for the comma of a number list ("thửa số 431. 434"): a stop and a space before a number
# that is not itself a list item ("2." / "2)")
_LIST_STOP = r"\.(?=\s+\d{1,5}(?![\d.)/]))"
_NUMS = rf"(\d{{1,5}}(?:\s*(?:,|;|va|\+|&|{_LIST_STOP})\s*(?:{_SO}\s*)?\d{{1,5}}(?![\d/]))*)"
THUA_RE = re.compile(rf"(?<![a-z])(?:cac\s+)?{_THUA_KW}\s*(?:{_SO}\s*)?[:.]?\s*{_NUMS}(?![\d/.,]\d)")
# a range of parcels: "từ thửa số 482 đến thửa số 485", "các thửa từ số 28 đến số 31" (every number between)
RANGE_RE = re.compile(rf"(?<![a-z])(?:(?:cac\s+)?{_THUA_KW}\s+tu|tu\s+{_THUA_KW})\s*(?:{_SO}\s*)?[:.]?\s*(\d{{1,5}})"
                      rf"\s+(?:den|toi)\s+(?:{_THUA_KW}\s*)?(?:{_SO}\s*)?[:.]?\s*(\d{{1,5}})(?![\d/])")
_MAX_RANGE = 30  # a longer "range" is more likely two unrelated numbers
TO_RE = re.compile(rf"(?<![a-z]){_TO_KW}\s*(?:{_SO}\s*)?[:.]?\s*(\d{{1,4}})(?![\d/])")

LAND_USE_CODES = (
    "LUC", "LUK", "LUN", "ONT", "ODT", "CLN", "BHK", "HNK", "NHK", "NTS", "RSX", "RPH", "RDD", "SKC", "TMD",
    "DGT", "DTL", "NKH", "TSC", "SKN", "SKX", "TON", "NTD", "MNC", "SON", "LMU", "CSD", "DCH", "DGD", "DYT",
)
_CODE_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(LAND_USE_CODES) + r")(?![A-Za-z])")
# written names (folded) → code; longest first so "dat trong lua nuoc con lai" wins over "dat trong lua"
_LAND_USE_NAMES = sorted({
    "dat chuyen trong lua nuoc": "LUC", "dat trong lua nuoc con lai": "LUK", "dat trong lua nuong": "LUN",
    "dat trong lua": "LUC", "dat lua": "LUC", "dat ruong": "LUC",
    "dat o tai nong thon": "ONT", "dat o nong thon": "ONT", "dat o tai do thi": "ODT", "dat o do thi": "ODT",
    "dat trong cay lau nam": "CLN", "dat cay lau nam": "CLN", "dat vuon": "CLN",
    "dat bang trong cay hang nam khac": "BHK", "dat trong cay hang nam khac": "BHK",
    "dat nuong ray trong cay hang nam khac": "NHK", "dat trong cay hang nam": "HNK",
    "dat nuoi trong thuy san": "NTS", "dat ao nuoi thuy san": "NTS", "dat nuoi thuy san": "NTS", "dat rung san xuat": "RSX", "dat rung phong ho": "RPH",
    "dat rung dac dung": "RDD", "dat co so san xuat phi nong nghiep": "SKC", "dat thuong mai, dich vu": "TMD",
    "dat thuong mai dich vu": "TMD", "dat giao thong": "DGT", "dat thuy loi": "DTL",
    "dat nong nghiep khac": "NKH", "dat nghia trang": "NTD", "dat bang chua su dung": "BCS",
}.items(), key=lambda kv: -len(kv[0]))
_NAME_RE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(k) for k, _ in _LAND_USE_NAMES) + r")(?![a-z])")
_NAME_CODE = dict(_LAND_USE_NAMES)
_SENTENCE_END = re.compile(r"(?:[.;!?](?=\s+\S)|\n\s*\n|\n(?=\s*(?:[-•+*]|\d+[.)]|[a-zđ][.)])\s))")
# a full stop before a lower-case word is OCR's reading of a comma ("thửa đất số 533. tờ bản đồ số 40")
# "tờ bản đồ số:⏎28)" and "số. 47": the number of a label is not a new sentence or list item
_AFTER_NUMBER_LABEL = re.compile(r"(?<![a-z])so\s*[:.]?\s*$")
_COMMA_READ_AS_STOP = re.compile(rf"\.\s+(?=[{VI_LOWER}])")  # also across a line break
# "số thửa: 914; số tờ bản đồ: 6; diện tích: 392m²": the fields of one parcel separated by ";"
_FIELD_AFTER_SEMICOLON = re.compile(r";\s*(?:so\s+)?(?:to\s+ban\s+do|to\s+so|to\b|dien\s+tich|muc\s+dich|loai\s+dat)")
_NUMBER_LIST_STOP = re.compile(rf"(?<=\d){_LIST_STOP}")  # "thửa số 431. 434 (tờ 17)": one sentence
_ADDRESS_LEAD = re.compile(r"(?<![a-z])(tru tai|dia chi|cu tru|thuong tru|noi o|que quan|dkhk)(?![a-z])[^.;\n]{0,40}$")
_SHARED_SHEET = re.compile(r"(?<![a-z])cung\s*$")  # "… cùng tờ bản đồ số 5": the sheet of every parcel before
_LAND_CONTEXT = re.compile(r"toa lac|thua|khu dat|phan dat|dat (?:tai|o tai|thuoc)|vi tri dat|giap ranh")


_AREA_FIELDS = ("area_m2", "area_text", "area_value", "area_unit")


@dataclass
class _Hit:
    start: int
    end: int
    numbers: list[str]


def _sentences(text: str, folded: str) -> list[tuple[int, int]]:
    """Sentence spans (offsets shared by `text` and `folded`)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(folded):
        if (_COMMA_READ_AS_STOP.match(text, m.start()) or _NUMBER_LIST_STOP.match(folded, m.start())
                or _FIELD_AFTER_SEMICOLON.match(folded, m.start())
                or _AFTER_NUMBER_LABEL.search(folded, max(0, m.start() - 12), m.start() + 1)):
            continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(folded)))
    return spans


def _numbers(group: str) -> list[str]:
    return [n.lstrip("0") or "0" for n in re.findall(r"\d+", group)]


def _nearest(pos_start: int, pos_end: int, candidates: list, limit_before: int, limit_after: int):
    """Prefer the first candidate after pos_end (before limit_after), else the last one before pos_start."""
    after = [c for c in candidates if pos_end <= c[0] < limit_after]
    if after:
        return after[0]
    before = [c for c in candidates if limit_before <= c[1] <= pos_start]
    return before[-1] if before else None


def _after(pos: int, candidates: list, limit: int):
    return next((c for c in candidates if pos <= c[0] < limit), None)


def _land_uses(text: str, folded: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    out = [(m.start(), m.end(), m.group(1)) for m in _CODE_RE.finditer(text, lo, hi)]
    out += [(m.start(), m.end(), _NAME_CODE[m.group(1)]) for m in _NAME_RE.finditer(folded, lo, hi)]
    return sorted(out)


def _land_places(text: str, folded: str) -> list[Place]:
    places = []
    for p in find_places(text):
        if not p.commune and not p.district:
            continue
        if _ADDRESS_LEAD.search(folded[max(0, p.start - 60):p.start]):
            p = Place(p.start, p.end, p.commune, p.district, p.province)
            places.append((p, False))
        else:
            places.append((p, True))
    return places


def extract_parcels(text: str) -> list[Parcel]:
    """One Parcel per distinct (parcel_no, map_sheet), in order of first mention."""
    folded = fold_aligned(text)
    places = _land_places(text, folded)
    doc_place = _document_land_place(text, folded, places)
    found: dict[tuple[str, str | None], Parcel] = {}
    for s_lo, s_hi in _sentences(text, folded):
        hits = _range_hits(folded, s_lo, s_hi)
        hits += [_Hit(m.start(), m.end(), _numbers(m.group(1))) for m in THUA_RE.finditer(folded, s_lo, s_hi)
                 if not any(h.start <= m.start() < h.end for h in hits)]
        hits.sort(key=lambda h: h.start)
        if not hits:
            continue
        sheets = [(m.start(), m.end(), m.group(1).lstrip("0") or "0") for m in TO_RE.finditer(folded, s_lo, s_hi)]
        areas = [(a.start + s_lo, a.end + s_lo, a) for a in find_area_mentions(text[s_lo:s_hi])]
        uses = _land_uses(text, folded, s_lo, s_hi)
        s_places = [(p.start, p.end, p) for p, is_land in places if s_lo <= p.start < s_hi and is_land]
        claimed: set[int] = set()
        for i, hit in enumerate(hits):
            nxt = hits[i + 1].start if i + 1 < len(hits) else s_hi
            prev = hits[i - 1].end if i > 0 else s_lo
            sheet = _nearest(hit.start, hit.end, sheets, prev, nxt)
            just_before = [t for t in sheets if prev <= t[1] <= hit.start and not folded[t[1]:hit.start].strip(" ,;")]
            if just_before:  # "tờ bản đồ số 63, thửa đất số 1066 và thửa 997 tờ 18"
                sheet = just_before[-1]
            if sheet is None:  # "thửa đất số 10 và thửa đất số 11 cùng tờ bản đồ số 5": shared by both
                sheet = next((t for t in sheets if t[0] >= hit.end and _SHARED_SHEET.search(folded, s_lo, t[0])),
                             None)
            if sheet is None and sheets and all(t[0] >= hits[-1].end for t in sheets) and len(sheets) == 1:
                # "thửa 616 (1.685,6 m²), thửa 619 (459,8 m²) và thửa 620, cùng tờ bản đồ số 34": one sheet
                # after every parcel of the sentence is theirs
                sheet = sheets[0]
            if sheet is None and i == len(hits) - 1:  # "Thửa đất số: 45; Tờ bản đồ số: 12"
                m = TO_RE.match(folded, s_hi + len(folded[s_hi:]) - len(folded[s_hi:].lstrip()))
                if m:
                    sheet = (m.start(), m.end(), m.group(1).lstrip("0") or "0")
            # details follow the parcel, up to the next parcel (or the next parcel's sheet written first)
            own_sheet_end = sheet[1] if sheet and sheet[0] >= hit.end else hit.end
            later_sheets = [t[0] for t in sheets if t[0] >= own_sheet_end]
            stop = min([nxt] + later_sheets)
            area = _after(hit.end, areas, stop) if len(hit.numbers) == 1 else None
            use = _after(hit.end, uses, stop)
            if area is None and len(hit.numbers) == 1:
                area = _area_before(folded, areas, prev, hit.start, claimed)
                if area is not None and use is None:  # "diện tích 2.314m2 đất trồng lúa thuộc thửa …"
                    use = _after(area[1], uses, hit.start)
            if area is not None:
                claimed.add(area[0])
            place = _nearest(hit.start, hit.end, s_places, s_lo, s_hi)
            place = _fill(place[2] if place else doc_place, [p for p, is_land in places if is_land])
            for no in hit.numbers:
                parcel = Parcel(
                    parcel_no=no,
                    map_sheet=sheet[2] if sheet else None,
                    area_m2=area[2].m2 if area else None,
                    area_text=area[2].text if area else None,
                    area_value=area[2].value if area else None,
                    area_unit=area[2].unit if area else None,
                    land_use=use[2] if use else None,
                    commune=place.commune if place else None,
                    district=place.district if place else None,
                    province=place.province if place else None,
                )
                _merge(found, parcel)
    return list(found.values())


def _range_hits(folded: str, lo: int, hi: int) -> list[_Hit]:
    out = []
    for m in RANGE_RE.finditer(folded, lo, hi):
        a, b = int(m.group(1)), int(m.group(2))
        if a < b and b - a <= _MAX_RANGE:
            out.append(_Hit(m.start(), m.end(), [str(n) for n in range(a, b + 1)]))
    return out


# between an area written first and its parcel: "phần đất có diện tích 2.610 m² thuộc thửa số 311",
# "diện tích 2.314m2 đất bằng trồng cây hằng năm khác thuộc thửa đất số 904", "6.000m2 tọa lạc trên thửa 1007",
# "2,5 công tầm lớn (3.240 m²) đất thuộc thửa", "817 m² đất (thửa 490, tờ 29)"
_AREA_TO_PARCEL = re.compile(r"[\s)]*(?:dat\s+)?\(\s*|[\s)]*(?:\(?[a-z ,]{0,60}?\)?\s*)?(?:thuoc|tren|nam trong|nam tren|toa lac tren|cua|tai|o)"
                             r"(?:\s+(?:mot phan|phan dat|khu dat))?\s*(?:cac\s+)?$")


def _area_before(folded: str, areas: list, lo: int, hit_start: int, claimed: set[int]):
    """The area written just before a parcel, when only its linking words stand between (and it is not
    another parcel's)."""
    before = [a for a in areas if lo <= a[0] and a[1] <= hit_start and a[0] not in claimed]
    if not before:
        return None
    area = before[-1]
    gap = folded[area[1]:hit_start]
    if len(gap) > 70 or re.search(r"\d|[.;]", gap) or not _AREA_TO_PARCEL.fullmatch(gap):
        return None
    return area


def _merge(found: dict, parcel: Parcel) -> None:
    key = (parcel.parcel_no, parcel.map_sheet)
    if parcel.map_sheet is None:
        same = [k for k in found if k[0] == parcel.parcel_no]
        if same:
            key = same[0]
    elif (parcel.parcel_no, None) in found:
        old = found.pop((parcel.parcel_no, None))
        found[key] = old.model_copy(update={"map_sheet": parcel.map_sheet})
    have = found.get(key)
    if have is None:
        found[key] = parcel
        return
    update = {f: getattr(parcel, f) for f in ("land_use", "commune", "district", "province")
              if getattr(have, f) is None and getattr(parcel, f) is not None}
    if have.area_text is None and parcel.area_text is not None:  # an area's fields come together
        update.update({f: getattr(parcel, f) for f in _AREA_FIELDS})
    found[key] = have.model_copy(update=update)


def _fill(place: Place | None, land_places: list[Place]) -> Place | None:
    """Missing district/province from another mention of the same commune as a land location."""
    if place is None:
        return None
    commune, district, province = place.commune, place.district, place.province
    for other in land_places:
        if commune and other.commune and fold(other.commune) != fold(commune):
            continue
        if not commune and district and other.district and fold(other.district) != fold(district):
            continue
        if other.district and district and fold(other.district) != fold(district):
            continue
        district = district or other.district
        province = province or (other.province if other.district or other.commune else None)
    filled = Place(place.start, place.end, commune, district, province)
    return complete(filled)  # then the gazetteer: an An Giang commune names its district


def _document_land_place(text: str, folded: str, places: list) -> Place | None:
    """The document's location of the land: the first place named in a sentence about land."""
    for lo, hi in _sentences(text, folded):
        if not _LAND_CONTEXT.search(folded, lo, hi):
            continue
        for p, is_land in places:
            if is_land and lo <= p.start < hi and p.commune:
                return p
    return None


def land_use_code(name: str) -> str | None:
    """`đất trồng lúa` → `LUC`; a code is returned as is; None if unknown."""
    if name.strip().upper() in LAND_USE_CODES:
        return name.strip().upper()
    m = _NAME_RE.search(fold(name))
    return _NAME_CODE[m.group(1)] if m else None
