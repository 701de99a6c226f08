"""Places across the 1 July 2025 reorganisation: an offline gazetteer of old An Giang (89) and old Kiên Giang
(91) — province, district, commune — and of the new An Giang (91: 102 units, 85 xã, 14 phường, 3 đặc khu) with
the official old → new conversion, and the resolution of a written place to both.

Data: `classify/places_2025.json`, the rows of the three provinces extracted by `bench/build_gazetteer.py`
from the pinned `vietnamadminunits` 1.0.4 package (MIT, notice kept in the file; docs/gazetteer.md says why
this package): its `dataset.db` (units before and after, GSO codes) and `converter_2025.json` (old
province_district_commune key → new commune key; a split commune listed with every new commune it went to).
The package itself is a test dependency only (tests/test_gazetteer.py checks the file against it): its
converter calls an online geocoder (geopy ArcGIS) to choose among the new communes of a split commune when a
street is given, and it pulls in unidecode (GPL-2.0+). Nothing is fetched: a split is flagged with its
candidates instead.

Matching follows the rule of issue 18: an old place is matched by province + district + commune together
(whichever of them are written narrow the candidates; more than one left is "ambiguous", never a guess),
names compared without diacritics (`fold`) but narrowed to the exact spelling when the writing has
diacritics and several units share the folded name (Phú Thạnh / Phú Thành in Phú Tân), level words
(xã, phường, thị trấn, đặc khu, huyện, thị xã, thành phố, tỉnh and their abbreviations X., P., TT., H., TX.,
TP., T.) narrowing the unit type (thị trấn / xã Vĩnh Thuận). Province codes are never matched alone: 91 is
Kiên Giang before 1 July 2025 and An Giang after (`province_for_code`), and every new commune code is an
old commune's code reused (of a different commune).

`attach_places(analysis, text)` is the pipeline step (classify.pipeline): every party address and parcel
gets `place` (donthu.schema.ResolvedPlace). `place_names(place)` lists the names, old and new, that search
indexes for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from donthu.schema import Analysis, NewUnit, OldUnit, PlaceCandidate, ResolvedPlace
from donthu.text import fold, nfc

#: the shipped rows (bench/build_gazetteer.py writes them from the pinned package)
DATA_FILE = Path(__file__).with_name("places_2025.json")
#: the day districts ended and An Giang + Kiên Giang became the new An Giang (Resolution 202/2025/QH15)
REORGANISED = date(2025, 7, 1)

# level words (folded) → (level, unit type as stored)
_LEVELS: dict[str, tuple[str, str]] = {
    "thi tran": ("commune", "thi tran"), "tt": ("commune", "thi tran"),
    "xa": ("commune", "xa"), "x": ("commune", "xa"),
    "phuong": ("commune", "phuong"), "p": ("commune", "phuong"),
    "dac khu": ("commune", "dac khu"), "dk": ("commune", "dac khu"),
    "thi xa": ("district", "thi xa"), "tx": ("district", "thi xa"),
    "thanh pho": ("district", "thanh pho"), "tp": ("district", "thanh pho"),
    "huyen": ("district", "huyen"), "h": ("district", "huyen"),
    "quan": ("district", "quan"), "q": ("district", "quan"),
    "tinh": ("province", "tinh"), "t": ("province", "tinh"),
}
#: the spelling a full level word must have (a name such as Tịnh Biên is not "tỉnh Biên")
_LEVEL_SPELLING = {"thi tran": "thị trấn", "xa": "xã", "phuong": "phường", "dac khu": "đặc khu",
                   "thi xa": "thị xã", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "tinh": "tỉnh"}
_ABBREVIATIONS = ("tt", "x", "p", "dk", "tx", "tp", "h", "q", "t")
_LEVEL_RE = re.compile(
    r"(?<![\w.])(?:(thi tran|thi xa|thanh pho|dac khu|xa|phuong|huyen|quan|tinh)(?=\s)"
    r"|(tt|tx|tp|dk)(?:\.|\s)|(x|p|h|q|t)\.)\s*(?=\w)"
)
#: chunks that are below the commune: hamlets, streets, house numbers
_STREET_RE = re.compile(r"^(?:ap|khom|to|thon|so|duong|khu pho|kp|hem|nha|lo|khu|kv)\b|^\d")
_SPLIT_RE = re.compile(r"[,;\n]|\s[-–]\s")


@dataclass(frozen=True)
class _Old:
    unit: OldUnit
    key: str                  # the package's province_district_commune key
    commune_keys: frozenset   # folded, space-free names (with aliases)
    commune_types: frozenset  # folded, space-free types (with former types: thị trấn Nhà Bàng)
    district_keys: frozenset
    district_types: frozenset
    province_key: str


@dataclass(frozen=True)
class _New:
    unit: NewUnit
    key: str
    commune_keys: frozenset


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(nfc(text)))


def _type_key(level_word: str) -> str:
    return _key(level_word)


def _split_type(full: str, type_: str) -> str:
    """`Xã Mỹ Hội Đông`, `Xã` → `Mỹ Hội Đông`."""
    return full[len(type_):].strip() if full.startswith(type_) else full


def _alias_pairs(raw: str | None) -> list[tuple[str, str]]:
    """The package's alias keys (`["thitrannhabang"]`) → (type key, name key)."""
    out = []
    for alias in json.loads(raw) if raw else []:
        for t in ("thitran", "thixa", "thanhpho", "phuong", "huyen", "quan", "xa", "dackhu"):
            if alias.startswith(t):
                out.append((t, alias[len(t):]))
                break
    return out


@dataclass(frozen=True)
class Gazetteer:
    old: tuple[_Old, ...]
    new: tuple[_New, ...]
    #: old key → new keys (one, or several for a split commune)
    conversion: dict
    #: new key → old keys merged (wholly or partly) into it
    predecessors: dict


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The tables of both provinces, loaded once per process from the shipped file."""
    tables = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    olds = []
    for row in tables["old"]:
        (p_code, p_name, p_key, d_code, d_name, d_type, d_key, d_alias, w_code, w_full, w_type, w_key,
         w_alias) = row
        name = _split_type(w_full, w_type)
        unit = OldUnit(commune=name, commune_type=w_type.lower(), commune_code=w_code, district=d_name,
                       district_type=d_type.lower(), district_code=d_code, province=p_name, province_code=p_code)
        c_aliases = _alias_pairs(w_alias)
        d_aliases = _alias_pairs(d_alias)
        olds.append(_Old(
            unit=unit, key=f"{p_key}_{d_key}_{w_key}",
            commune_keys=frozenset({_key(name)} | {n for _, n in c_aliases}),
            commune_types=frozenset({_type_key(w_type)} | {t for t, _ in c_aliases}),
            district_keys=frozenset({_key(d_name)} | {n for _, n in d_aliases}),
            district_types=frozenset({_type_key(d_type)} | {t for t, _ in d_aliases}),
            province_key=_key(p_name),
        ))
    news = []
    for code, p_name, p_code, w_full, w_type, w_key, w_alias in tables["new"]:
        name = _split_type(w_full, w_type)
        unit = NewUnit(commune=name, commune_type=w_type.lower(), commune_code=code, province=p_name,
                       province_code=p_code)
        news.append(_New(unit, w_key, frozenset({_key(name)} | {n for _, n in _alias_pairs(w_alias)})))
    conversion: dict[str, list[str]] = {}
    for new_key, old_keys in tables["undivided"].items():
        for old_key in old_keys:
            conversion.setdefault(old_key, []).append(new_key)
    for old_key, targets in tables["divided"].items():
        for t in targets:
            if t["newWardKey"] not in conversion.setdefault(old_key, []):
                conversion[old_key].append(t["newWardKey"])
    predecessors: dict[str, list[str]] = {}
    for old_key, new_keys in conversion.items():
        for new_key in new_keys:
            predecessors.setdefault(new_key, []).append(old_key)
    return Gazetteer(tuple(olds), tuple(news), conversion, predecessors)


@lru_cache(maxsize=1)
def _by_key() -> tuple[dict[str, _Old], dict[str, _New]]:
    g = gazetteer()
    return {o.key: o for o in g.old}, {n.key: n for n in g.new}


def old_units() -> list[OldUnit]:
    return [o.unit for o in gazetteer().old]


def new_units() -> list[NewUnit]:
    return [n.unit for n in gazetteer().new]


def converts_to(old: OldUnit) -> list[NewUnit]:
    """The new commune(s) an old commune's land went to (several for a split commune)."""
    olds, news = _by_key()
    for o in gazetteer().old:
        if o.unit == old:
            return [news[k].unit for k in gazetteer().conversion.get(o.key, [])]
    return []


def merged_into(new: NewUnit) -> list[OldUnit]:
    """The old communes merged wholly or partly into a new commune."""
    olds, news = _by_key()
    for n in gazetteer().new:
        if n.unit == new:
            return [olds[k].unit for k in gazetteer().predecessors.get(n.key, []) if k in olds]
    return []


def province_for_code(code: str, on: date | str | None) -> str | None:
    """The province a code named on a day: 91 is Kiên Giang before 1 July 2025 and An Giang after; 89 (old An
    Giang) names nothing after. None without a day — a code alone is not enough."""
    day = _day(on)
    if day is None:
        return None
    if day < REORGANISED:
        return {"89": "An Giang", "91": "Kiên Giang"}.get(code)
    return {"91": "An Giang"}.get(code)


def _day(on: date | str | None) -> date | None:
    if isinstance(on, date):
        return on
    if isinstance(on, str) and len(on) >= 10:
        try:
            return date.fromisoformat(on[:10])
        except ValueError:
            return None
    return None


# -- reading a written place -------------------------------------------------------------------------------

@dataclass
class Parts:
    """A written place cut into its levels (names as written, level words folded)."""

    commune: str | None = None
    commune_level: str | None = None
    district: str | None = None
    district_level: str | None = None
    province: str | None = None


def _fold_aligned(text: str) -> str:
    return "".join((fold(ch) or ch)[:1] for ch in text)


def _level_at(text: str, folded: str, m: re.Match) -> str | None:
    """The level word of a match, or None when the writing is a name (Tịnh Biên) rather than a level word."""
    word = m.group(1) or m.group(2) or m.group(3)
    written = text[m.start():m.start() + len(word)]
    if m.group(1):
        if written.lower() != _LEVEL_SPELLING[word] and written != fold(written):
            return None  # diacritics written and they are not the level word's
    elif m.group(2) or m.group(3):
        abbrev_written = text[m.start():m.end()].strip()
        if not (abbrev_written.endswith(".") or abbrev_written.isupper()):
            return None
    return word


def parse_place(written: str) -> Parts:
    """Cut `ấp Mỹ Hòa, X. Mỹ Hội Đông, H.Chợ Mới, tỉnh An Giang` into commune, district and province.

    Level words name the level; bare names are placed from the right (province, then a district if the name is
    an old district's, then the commune); hamlets, streets and numbers are left out."""
    text = nfc(written)
    segments: list[tuple[str | None, str]] = []  # (level word or None, name)
    for chunk in _SPLIT_RE.split(text):
        chunk = chunk.strip(" .:")
        if not chunk:
            continue
        folded = _fold_aligned(chunk)
        if _STREET_RE.match(folded.lower()):
            continue
        marks = [(m, w) for m in _LEVEL_RE.finditer(folded.lower()) if (w := _level_at(chunk, folded.lower(), m))]
        if not marks:
            segments.append((None, chunk))
            continue
        if marks[0][0].start() > 0:
            head = chunk[:marks[0][0].start()].strip()
            if head and not _STREET_RE.match(fold(head)):
                segments.append((None, head))
        for i, (m, word) in enumerate(marks):
            end = marks[i + 1][0].start() if i + 1 < len(marks) else len(chunk)
            name = chunk[m.end():end].strip(" .")
            if name:
                segments.append((word, name))
    parts = Parts()
    for word, name in segments:
        if word is None:
            continue
        level, type_ = _LEVELS[word]
        if level == "commune" and parts.commune is None:
            parts.commune, parts.commune_level = name, type_
        elif level == "district" and parts.district is None:
            parts.district, parts.district_level = name, type_
        elif level == "province" and parts.province is None:
            parts.province = name
    bare = [name for word, name in segments if word is None]
    if bare:
        _place_bare(parts, bare)
    provinces, districts, communes = _known_keys()
    parts.province = _trim_to_known(parts.province, provinces)
    parts.district = _trim_to_known(parts.district, districts)
    parts.commune = _trim_to_known(parts.commune, communes)
    return parts


def _trim_to_known(name: str | None, keys: frozenset) -> str | None:
    """A name that runs on into the next words (`An Giang Gia đình tôi`, extraction joined a line) cut to its
    longest leading words that are a known name; unchanged when it is known or no prefix is."""
    if not name or _key(name) in keys:
        return name
    words = name.split()
    for k in range(len(words) - 1, 0, -1):
        if _key(" ".join(words[:k])) in keys:
            return " ".join(words[:k])
    return name


@lru_cache(maxsize=1)
def _known_keys() -> tuple[frozenset, frozenset, frozenset]:
    """(province, old district, commune old or new) name keys."""
    g = gazetteer()
    provinces = {o.province_key for o in g.old} | {_key(n.unit.province) for n in g.new}
    districts = {k for o in g.old for k in o.district_keys}
    communes = {k for o in g.old for k in o.commune_keys} | {k for n in g.new for k in n.commune_keys}
    return frozenset(provinces), frozenset(districts), frozenset(communes)


def _place_bare(parts: Parts, bare: list[str]) -> None:
    provinces, districts, communes = _known_keys()
    slots = []
    if parts.province is None and parts.district is None and parts.commune is None:
        slots = ["province", "district", "commune"]
    elif parts.district is None and parts.commune is None:
        slots = ["district", "commune"]
    elif parts.commune is None:
        slots = ["commune"]
    for name in reversed(bare):
        key = _key(name)
        while slots:
            slot = slots.pop(0)
            if slot == "province" and key in provinces:
                parts.province = name
                break
            if slot == "district" and key in districts:
                parts.district = name
                break
            if slot == "commune" and key in communes:
                parts.commune = name
                break
        else:
            return


# -- resolution --------------------------------------------------------------------------------------------

def _narrow_spelling(written: str, units: list, name_of) -> list:
    """Among units sharing a folded name, those spelt exactly as written (when the writing has diacritics)."""
    if len(units) < 2 or fold(written) == written.lower():
        return units
    spelt = nfc(" ".join(written.split())).lower()
    exact = [u for u in units if (name_of(u) or "").lower() == spelt]
    return exact or units


def _match_old(parts: Parts, provinces: set[str]) -> list[_Old]:
    c_key = _key(parts.commune) if parts.commune else None
    d_key = _key(parts.district) if parts.district else None
    found = []
    for o in gazetteer().old:
        if o.province_key not in provinces:
            continue
        if d_key and d_key not in o.district_keys:
            continue
        if c_key and c_key not in o.commune_keys:
            continue
        found.append(o)
    if parts.commune_level:
        typed = [o for o in found if _type_key(parts.commune_level) in o.commune_types]
        found = typed or found
    if parts.district_level:
        typed = [o for o in found if _type_key(parts.district_level) in o.district_types]
        found = typed or found
    if parts.commune:
        found = _narrow_spelling(parts.commune, found, lambda o: o.unit.commune)
    if parts.district:
        found = _narrow_spelling(parts.district, found, lambda o: o.unit.district)
    return found


def _match_new(parts: Parts) -> list[_New]:
    if not parts.commune or parts.commune_level == "thi tran":
        return []
    c_key = _key(parts.commune)
    found = [n for n in gazetteer().new if c_key in n.commune_keys]
    if parts.commune_level:
        typed = [n for n in found if _type_key(parts.commune_level) == _type_key(n.unit.commune_type)]
        found = typed or found
    return _narrow_spelling(parts.commune, found, lambda n: n.unit.commune)


def _province_keys(parts: Parts) -> tuple[set[str], bool]:
    """(old province keys the writing allows, whether the new province is allowed)."""
    if not parts.province:
        return {"angiang", "kiengiang"}, True
    key = _key(parts.province)
    if key == "angiang":
        # old An Giang, or the new An Giang (which took in old Kiên Giang's land)
        return {"angiang", "kiengiang"}, True
    if key == "kiengiang":
        return {"kiengiang"}, False
    return set(), False


def resolve_parts(commune: str | None, district: str | None = None, province: str | None = None, *,
                  on: date | str | None = None, written: str | None = None,
                  commune_level: str | None = None, district_level: str | None = None) -> ResolvedPlace:
    """The old and new units of a place given by its parts (names as written, level words folded or None).

    `on`: the document's date; before 1 July 2025 only old units are read, from then on a place without a
    district is read first as a new unit. A district written means the old system."""
    parts = Parts(commune or None, commune_level, district or None, district_level, province or None)
    shown = written or ", ".join(p for p in (commune, district, province) if p)
    return _resolve(parts, shown, _day(on))


def resolve_place(written: str, *, on: date | str | None = None) -> ResolvedPlace:
    """The old and new units of a written place (`xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang`,
    `P. Bình Đức, TP. Long Xuyên`, `xã Nhơn Mỹ, tỉnh An Giang`)."""
    return _resolve(parse_place(written), nfc(written).strip(), _day(on))


def _resolve(parts: Parts, shown: str, day: date | None) -> ResolvedPlace:
    g = gazetteer()
    olds_by_key, news_by_key = _by_key()
    provinces, new_allowed = _province_keys(parts)
    if parts.province and not provinces:
        return ResolvedPlace(written=shown, status="unknown", note="province outside the gazetteer")
    if not parts.commune and not parts.district:
        return ResolvedPlace(written=shown, status="unknown" if not parts.province else "partial")

    before = day is not None and day < REORGANISED
    if before and parts.province and _key(parts.province) == "angiang":
        provinces = {"angiang"}  # "An Giang" written before the merger is old An Giang only
    # old names stay in use after the merger; new names only exist from 1 July 2025 and have no district
    olds = _match_old(parts, provinces)
    news = _match_new(parts) if new_allowed and not parts.district and not before else []

    if not parts.commune:  # a district alone: its communes' new units are candidates
        districts = {(o.unit.district_code, o.unit.province_code) for o in olds}
        if not districts:
            return ResolvedPlace(written=shown, status="unknown", note="no district of the gazetteer has this name")
        if len(districts) != 1:
            return _ambiguous(shown, [PlaceCandidate(old=_district_only(o.unit)) for o in _unique_districts(olds)])
        unit = _district_only(olds[0].unit)
        targets = _dedupe(news_by_key[k].unit for o in olds for k in g.conversion.get(o.key, []))
        return ResolvedPlace(written=shown, status="partial", era="old", old=unit,
                             candidates=[PlaceCandidate(old=unit, new=t) for t in targets],
                             note="a district only: the new commune is not known")

    # after the merger a place without a district is read as a new unit first
    if news and day is not None and day >= REORGANISED:
        olds = []
    readings: list[PlaceCandidate] = []
    for o in olds:
        for k in g.conversion.get(o.key, []):
            readings.append(PlaceCandidate(old=o.unit, new=news_by_key[k].unit))
    for n in news:
        readings.append(PlaceCandidate(old=None, new=n.unit))
    if not readings:
        return ResolvedPlace(written=shown, status="unknown", note="no unit of the gazetteer has this name here")

    if len(olds) == 1 and not news:
        o = olds[0]
        targets = [c.new for c in readings]
        if len(targets) == 1:
            return ResolvedPlace(written=shown, status="resolved", era="old", old=o.unit, new=targets[0])
        return ResolvedPlace(written=shown, status="split", era="old", old=o.unit, candidates=readings,
                             note=f"split between {len(targets)} new communes")
    if len(news) == 1 and not olds:
        n = news[0]
        return ResolvedPlace(written=shown, status="resolved", era="new", new=n.unit,
                             formerly=[olds_by_key[k].unit for k in g.predecessors.get(n.key, [])])
    return _ambiguous(shown, readings)


def _ambiguous(shown: str, readings: list[PlaceCandidate]) -> ResolvedPlace:
    olds = _dedupe(c.old for c in readings if c.old)
    news = _dedupe(c.new for c in readings if c.new)
    one_old = olds[0] if len(olds) == 1 and all(c.old for c in readings) else None
    one_new = news[0] if len(news) == 1 and all(c.new for c in readings) else None
    eras = {"old" if c.old else "new" for c in readings}
    return ResolvedPlace(written=shown, status="ambiguous", era=eras.pop() if len(eras) == 1 else None,
                         old=one_old, new=one_new, candidates=readings,
                         note=f"{len(olds)} old and {len(news)} new units fit")


def _district_only(unit: OldUnit) -> OldUnit:
    return unit.model_copy(update={"commune": None, "commune_type": None, "commune_code": None})


def _unique_districts(olds: list[_Old]) -> list[_Old]:
    seen, out = set(), []
    for o in olds:
        k = (o.unit.province_code, o.unit.district_code)
        if k not in seen:
            seen.add(k)
            out.append(o)
    return out


def _dedupe(units) -> list:
    out = []
    for u in units:
        if u is not None and u not in out:
            out.append(u)
    return out


# -- names for search and display --------------------------------------------------------------------------

def old_label(unit: OldUnit) -> str:
    """`xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang`."""
    parts = []
    if unit.commune:
        parts.append(f"{unit.commune_type} {unit.commune}")
    if unit.district:
        parts.append(f"{unit.district_type} {unit.district}")
    parts.append(f"tỉnh {unit.province}")
    return ", ".join(parts)


def new_label(unit: NewUnit) -> str:
    """`xã Nhơn Mỹ, tỉnh An Giang`."""
    return f"{unit.commune_type} {unit.commune}, tỉnh {unit.province}"


def place_names(place: ResolvedPlace | None) -> dict[str, list[str]]:
    """Names search indexes for a place: `old_communes`, `old_districts`, `new_communes` (the resolved ones and,
    for a split or ambiguous place, every candidate's; a new unit's former communes count as old names)."""
    out: dict[str, list[str]] = {"old_communes": [], "old_districts": [], "new_communes": []}
    if place is None:
        return out
    olds = [u for u in [place.old, *(c.old for c in place.candidates), *place.formerly] if u]
    news = [u for u in [place.new, *(c.new for c in place.candidates)] if u]
    for u in olds:
        if u.commune and u.commune not in out["old_communes"]:
            out["old_communes"].append(u.commune)
        if u.district and u.district not in out["old_districts"]:
            out["old_districts"].append(u.district)
    for n in news:
        if n.commune not in out["new_communes"]:
            out["new_communes"].append(n.commune)
    return out


def place_text(place: ResolvedPlace | None) -> str:
    """One line naming the place in both systems (what the search index's place field holds)."""
    if place is None:
        return ""
    olds = _dedupe([place.old, *(c.old for c in place.candidates), *place.formerly])
    news = _dedupe([place.new, *(c.new for c in place.candidates)])
    return "; ".join([old_label(u) for u in olds] + [new_label(n) for n in news])


# -- the pipeline step

_DISTRICT_WORDS = ("huyen", "thi xa", "thanh pho", "quan", "tp.", "tp", "tx.", "tx", "h.")


def _district_written(folded_text: str, commune: str | None, district: str, *, beside: bool = False) -> bool:
    """Does the text write this district (with its level word, or right after the commune), rather than only a
    commune or ward of the same name (phường Tịnh Biên)? `beside`: only right after the commune (a letter
    written since 1 July 2025 may copy an old address of another person, `huyện U Minh Thượng`, while its land
    lies in the new `xã U Minh Thượng`)."""
    d = fold(district)
    if beside:
        if not commune:
            return False
        c = fold(commune)
        return any(f"{c}, {w} {d}" in folded_text or f"{c} {w} {d}" in folded_text for w in _DISTRICT_WORDS) \
            or f"{c}, {d}" in folded_text
    if any(f"{w} {d}" in folded_text or f"{w}{d}" in folded_text for w in _DISTRICT_WORDS):
        return True
    return bool(commune) and f"{fold(commune)}, {d}" in folded_text


def attach_places(analysis: Analysis, text: str = "") -> Analysis:
    """Every party address and parcel of `analysis` with its `place` resolved (old and new units), read with
    the document's date. A parcel's district that the text does not contain (filled in from a gazetteer by
    extraction, or a ward of the district's name) is not taken as written.

    In a document dated from 1 July 2025 a parcel's district counts only when written right after its commune;
    otherwise the parcel's `district` field is emptied too (extraction's gazetteer of old An Giang fills a
    district for a commune name, but there are no districts since), and a parcel read as a new unit without a
    province gets the new unit's (the text names the commune of the one province, An Giang)."""
    folded_text = " ".join(fold(text).split()) if text else None
    on = analysis.date
    day = _day(on)
    since = day is not None and day >= REORGANISED
    parties = [p.model_copy(update={"place": resolve_place(p.address, on=on)}) if p.address else p
               for p in analysis.parties]
    parcels = []
    for p in analysis.parcels:
        if not (p.commune or p.district):
            parcels.append(p)
            continue
        district = p.district
        if district and folded_text is not None and not _district_written(folded_text, p.commune, district,
                                                                          beside=since):
            district = None
        place = resolve_parts(p.commune, district, p.province, on=on,
                              written=", ".join(x for x in (p.commune, district, p.province) if x))
        update: dict = {"place": place}
        if since and p.commune and district is None and folded_text is not None:
            update["district"] = None
            if not p.province and place.era == "new" and place.new:
                update["province"] = place.new.province
        parcels.append(p.model_copy(update=update))
    return analysis.model_copy(update={"parties": parties, "parcels": parcels})
