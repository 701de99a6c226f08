"""Parcels: numbers, areas, land-use codes, certificates, and the many ways a text names them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from corpus.content.dates import number_words
from corpus.content.gazetteer import Place

# code -> the names a text uses for it
LAND_USES: dict[str, list[str]] = {
    "LUC": ["đất chuyên trồng lúa nước", "đất trồng lúa", "đất lúa"],
    "ONT": ["đất ở tại nông thôn", "đất ở nông thôn"],
    "ODT": ["đất ở tại đô thị", "đất ở đô thị"],
    "CLN": ["đất trồng cây lâu năm", "đất vườn trồng cây lâu năm"],
    "BHK": ["đất bằng trồng cây hằng năm khác", "đất trồng cây hàng năm khác"],
    "NTS": ["đất nuôi trồng thủy sản", "đất ao nuôi thủy sản"],
}


@dataclass(frozen=True)
class LandParcel:
    parcel_no: int
    map_sheet: int
    area_m2: float
    land_use: str
    place: Place
    certificate: str  # "CH 01234"


def _area(rng: random.Random, land_use: str) -> float:
    if land_use in ("ONT", "ODT"):
        base = rng.randint(60, 600)
    elif land_use == "LUC":
        base = rng.choice([rng.randint(800, 20000), rng.randint(1, 30) * 500])
    else:
        base = rng.randint(150, 6000)
    if rng.random() < 0.35:
        return base + rng.randint(1, 9) / 10
    return float(base)


def certificate(rng: random.Random) -> str:
    series = rng.choice(["CH", "BĐ", "BK", "CS", "CN", "AĐ", "BT"])
    digits = 5 if series == "CH" else 6
    return f"{series} {rng.randint(10 ** (digits - 1), 10 ** digits - 1):0{digits}d}"


def random_parcel(rng: random.Random, place: Place, map_sheet: int | None = None, land_use: str | None = None) -> LandParcel:
    land_use = land_use or rng.choices(list(LAND_USES), [30, 25, 8, 20, 10, 7])[0]
    if place.commune_level == "xã" and land_use == "ODT":
        land_use = "ONT"
    if place.commune_level == "phường" and land_use == "ONT":
        land_use = "ODT"
    return LandParcel(
        parcel_no=rng.randint(1, 1200),
        map_sheet=map_sheet or rng.randint(1, 65),
        area_m2=_area(rng, land_use),
        land_use=land_use,
        place=place,
        certificate=certificate(rng),
    )


def random_parcels(rng: random.Random, place: Place, k: int) -> list[LandParcel]:
    """`k` distinct parcels in one commune, often on the same map sheet."""
    same_sheet = rng.random() < 0.6
    first = random_parcel(rng, place)
    out = [first]
    while len(out) < k:
        p = random_parcel(rng, place, map_sheet=first.map_sheet if same_sheet else None)
        if same_sheet:  # neighbouring parcels
            p = LandParcel(first.parcel_no + len(out) + rng.randint(0, 3) * len(out), p.map_sheet, p.area_m2,
                           p.land_use, place, p.certificate)
        if all((p.parcel_no, p.map_sheet) != (q.parcel_no, q.map_sheet) for q in out):
            out.append(p)
    return out


def fmt_number_vn(x: float, decimals: int | None = None) -> str:
    """1234.5 → `1.234,5` (Vietnamese separators)."""
    whole = int(x)
    frac = round(x - whole, 2)
    s = f"{whole:,}".replace(",", ".")
    if frac:
        s += "," + f"{frac:.2f}"[2:].rstrip("0")
    return s


def fmt_area(rng: random.Random, area: float) -> str:
    """An area in one of the written styles; the value it denotes is always exactly `area`."""
    r = rng.random()
    whole = area == int(area)
    if whole and int(area) % 100 == 0 and area >= 1000 and r < 0.25:
        ha = area / 10000
        return f"{fmt_number_vn(ha)} ha"
    if r < 0.35:
        return f"{fmt_number_vn(area)} m²"
    if r < 0.55:
        return f"{fmt_number_vn(area)} m2"
    if r < 0.7:
        raw = f"{area:.1f}".replace(".", ",") if not whole else str(int(area))
        return f"{raw}m2"
    if r < 0.85:
        return f"{fmt_number_vn(area)} mét vuông"
    return f"{fmt_number_vn(area)}m²"


def fmt_land_use(rng: random.Random, code: str) -> str:
    r = rng.random()
    name = rng.choice(LAND_USES[code])
    if r < 0.3:
        return f"{name} ({code})"
    if r < 0.5:
        return code
    return name


def _sheet(rng: random.Random, n: int) -> str:
    return f"{n:02d}" if n < 10 and rng.random() < 0.25 else str(n)


def place_clause(rng: random.Random, place: Place, level: int | None = None) -> str:
    """Where the land lies: `tọa lạc tại ấp X, xã Y, huyện Z, tỉnh An Giang` (from hamlet or commune only)."""
    level = rng.choice([0, 1, 2, 3]) if level is None else level
    verb = rng.choice(["tọa lạc tại", "tại", "thuộc", "ở", "tọa lạc ở"])
    if level == 0:
        return f"{verb} {place.full()}"
    if level == 1:
        return f"{verb} {place.full(hamlet=False)}"
    if level == 2:
        return f"{verb} {place.hamlet_full}, {place.commune_full}"
    return f"{verb} {place.commune_full}, {place.district_full}"


def parcel_truth(p: LandParcel, area: bool, land_use: bool) -> dict:
    return {
        "parcel_no": str(p.parcel_no),
        "map_sheet": str(p.map_sheet),
        "area_m2": p.area_m2 if area else None,
        "land_use": p.land_use if land_use else None,
        "commune": p.place.commune,
        "district": p.place.district,
        "province": p.place.province,
    }


def describe_one(rng: random.Random, p: LandParcel, details: bool = True, where: bool = True) -> tuple[str, dict]:
    """One parcel in one of several phrasings, with optional area, land use and location."""
    no, sh = str(p.parcel_no), _sheet(rng, p.map_sheet)
    style = rng.randrange(8)
    if style == 0:
        text = f"thửa đất số {no}, tờ bản đồ số {sh}"
    elif style == 1:
        text = f"thửa {no} tờ {sh}"
    elif style == 2:
        text = f"thửa số {no} (tờ bản đồ {sh})"
    elif style == 3:
        text = f"thửa đất số {no} thuộc tờ bản đồ số {sh}"
    elif style == 4:
        text = f"tờ bản đồ số {sh}, thửa đất số {no}"
    elif style == 5:
        text = f"thửa đất số {no}, tờ bản đồ địa chính số {sh}"
    elif style == 6:
        text = f"phần đất thuộc thửa số {no}, tờ số {sh}"
    else:
        text = f"thửa đất (số thửa: {no}, tờ bản đồ số: {sh})"
    has_area = details and rng.random() < 0.8
    has_use = details and rng.random() < 0.65
    if has_area and has_use:
        r = rng.random()
        area, use = fmt_area(rng, p.area_m2), fmt_land_use(rng, p.land_use)
        if r < 0.4:
            text += f", diện tích {area}, " + (use if use.startswith("đất") else f"loại đất {use}")
        elif r < 0.7:
            text += f" có diện tích {area} ({use})" if "(" not in use else f" có diện tích {area}, mục đích sử dụng {use}"
        else:
            text += f", diện tích {area}, mục đích sử dụng: {use}"
    elif has_area:
        area = fmt_area(rng, p.area_m2)
        if p.area_m2 == int(p.area_m2) and p.area_m2 < 10000 and rng.random() < 0.3:
            area = f"{fmt_number_vn(p.area_m2)} m² (bằng chữ: {number_words(int(p.area_m2))} mét vuông)"
        text += rng.choice([f", diện tích {area}", f" có diện tích {area}"])
    elif has_use:
        use = fmt_land_use(rng, p.land_use)
        text += ", " + (use if use.startswith("đất") else f"loại đất {use}")
    if where:
        text += ", " + place_clause(rng, p.place)
    return text, parcel_truth(p, has_area, has_use)


def describe(rng: random.Random, parcels: list[LandParcel], details: bool = True) -> tuple[str, list[dict]]:
    """One or several parcels as one phrase; multi-parcel phrases give per-parcel details only when listed."""
    if len(parcels) == 1:
        text, truth = describe_one(rng, parcels[0], details)
        return text, [truth]
    same_sheet = len({p.map_sheet for p in parcels}) == 1
    place = parcels[0].place
    if same_sheet and rng.random() < 0.6:
        nos = [str(p.parcel_no) for p in parcels]
        joined = ", ".join(nos[:-1]) + rng.choice([", ", " và "]) + nos[-1]
        sh = _sheet(rng, parcels[0].map_sheet)
        text = rng.choice([
            f"các thửa đất số {joined} thuộc tờ bản đồ số {sh}",
            f"thửa {joined}, tờ bản đồ số {sh}",
            f"các thửa số {joined} (tờ bản đồ {sh})",
        ])
        total = sum(p.area_m2 for p in parcels)
        if details and rng.random() < 0.6:
            text += f", tổng diện tích {fmt_area(rng, round(total, 1))}"
        text += ", " + place_clause(rng, place)
        return text, [parcel_truth(p, False, False) for p in parcels]
    parts, truths = [], []
    for p in parcels:
        t, tr = describe_one(rng, p, details, where=False)
        parts.append(t)
        truths.append(tr)
    text = "; ".join(parts[:-1]) + " và " + parts[-1] + ", cùng " + place_clause(rng, place)
    return text, truths
