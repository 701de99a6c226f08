"""A second, independently written set of templates (issue 14): wordings the first generator never used.

Every field is said in several ways, in several orders, on purpose:
- parcels: area before or after the parcel, map sheet first, lists (`các thửa 12, 13 và 15`) and ranges
  (`từ thửa số 12 đến thửa số 14`), areas in m², m2, mét vuông, ha and the Mekong-delta units `công` and
  `sào` (`3 công đất ruộng`, `1,5 công tầm cấy`, `2 sào`, `1 mẫu`): the truth keeps what is written
  (`area_text`, the count `area_value`, the unit `area_unit`: `m²`, `ha` or the local unit as written) and gives
  `area_m2` only for units that convert unambiguously (m², m2, mét vuông, ha, héc-ta) or when the text states
  the m² beside the count (`2 công (2.000 m²)`). A công is 1,000 m² or 1,296 m² (tầm nhỏ / tầm lớn, tầm cấy)
  and a sào 360, 500 or 1,000 m² depending on the region, so neither is converted;
- people: with and without Ông/Bà, in capitals, with a post after the name (`ông Trần Văn B – Chủ tịch
  UBND xã …`), in label–value blocks (`Họ và tên:`, `Chức vụ:`, `CCCD số … cấp ngày … tại …`) on one line
  or on two; addresses with and without ấp/khóm, street addresses (`số 12 đường Trần Hưng Đạo, phường Mỹ
  Bình, thành phố Long Xuyên`) and, in letters written after 1 July 2025, commune and province only (`xã Mỹ
  Hội Đông, tỉnh An Giang`); bodies and teams acting in the story (`Tổ Xác Minh`, `Đoàn Kiểm Tra`, `Ban Nhân
  Dân ấp …`), which are never parties;
- references: with and without `số`, `số:`, spaces around the slash, the document word abbreviated;
- documents that are not letters — công văn, báo cáo, tờ trình, hợp đồng — are kind `other`, type
  `unknown`; a phiếu chuyển đơn (kind `other`) forwarding a citizen's letter takes that letter's type.

Written before looking at what `classify/` does on them. `generate_wordings(n, seed)` is deterministic for a
seed (ids `w{seed}-{i:05d}`); the blind and development seeds are in docs/quality.md.
"""

from __future__ import annotations

import datetime as dt
import random

from corpus.content.agencies import Agency, committee
from corpus.content.blocks import letter_motto, letter_signature, official_header, official_signature, place_date_line
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, before, fmt_long, fmt_short, random_date
from corpus.content.gazetteer import Place, random_place
from corpus.content.land import LAND_USES, LandParcel, fmt_number_vn, random_parcel
from corpus.content.names import Person, official_name, random_person
from corpus.model import GeneratedDoc

ROLE = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
        "land_dispute": "disputant"}

# family -> weight
WORDING_FAMILIES: dict[str, float] = {
    "w_complaint_letter": 12, "w_denunciation_letter": 12, "w_recommendation_letter": 11,
    "w_land_dispute_letter": 13, "w_cong_van": 10, "w_bao_cao": 8, "w_to_trinh": 7, "w_hop_dong": 11,
    "w_phieu_chuyen_don": 16,
}


# ------------------------------------------------------------------------------------------------ areas

def _vn(x: float) -> str:
    return fmt_number_vn(x)


# local units as written → the unit recorded (`area_unit`); none of them converts to m² unless the text says how
# much it is: a công is 1,000 m² (tầm nhỏ) or 1,296 m² (tầm lớn / tầm cấy) by custom, a sào 360–1,000 m² and a
# mẫu ten công, depending on the place (docs/extraction.md)
LOCAL_UNITS: dict[str, float] = {
    "công": 4, "công tầm cấy": 1.5, "công tầm lớn": 1, "công tầm nhỏ": 1, "sào": 2.5, "mẫu": 0.5,
}
# the m² such a unit stands for, when a text states it (a writer's own figure, not a conversion donthu makes)
_STATED_M2 = {"công": 1000, "công tầm cấy": 1296, "công tầm lớn": 1296, "công tầm nhỏ": 1000, "sào": 1000,
              "mẫu": 10000}


def _count_text(rng: random.Random, value: float) -> str:
    if value == int(value) and value < 10 and rng.random() < 0.2:
        return f"{int(value):02d}"  # "03 công"
    return _vn(value)


def area_phrase(rng: random.Random, area_m2: float) -> tuple[str, dict]:
    """An area as a citizen or an office writes it, and its truth: area_m2 (None when the unit does not
    convert unambiguously and the text gives no m²), area_text (the count and unit as written),
    area_value (the count) and area_unit (`m²`, `ha` or the local unit as written: `công tầm cấy`, `sào`)."""
    r = rng.random()
    if r < 0.2:  # Mekong-delta units: a count of công, sào or mẫu, never converted
        unit = rng.choices(list(LOCAL_UNITS), list(LOCAL_UNITS.values()))[0]
        value = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 1.5, 2.5, 0.5, 3.5])
        written = f"{_count_text(rng, value)} {unit}"
        tail = rng.choice(["", "", " đất ruộng", " đất vườn", " đất", " ruộng"])
        text = written + tail
        if rng.random() < 0.3:  # the m² written beside it: that is the area
            m2 = float(round(value * _STATED_M2[unit]))
            text += rng.choice([f" ({_vn(m2)} m²)", f" (khoảng {_vn(m2)}m2)", f", tương đương {_vn(m2)} m²",
                                f" (= {_vn(m2)} m2)"])
            return text, {"area_m2": m2, "area_value": float(value), "area_unit": unit, "area_text": written}
        return text, {"area_m2": None, "area_value": float(value), "area_unit": unit, "area_text": written}
    if r < 0.3 and area_m2 >= 1000:
        ha = round(area_m2 / 10000, 2)  # written with at most two decimals: the area is what is written
        unit = rng.choice(["ha", "ha", "héc-ta", "hecta"])
        text = f"{_vn(ha)} {unit}"
        return text, {"area_m2": round(ha * 10000, 1), "area_value": ha, "area_unit": "ha", "area_text": text}
    whole = area_m2 == int(area_m2)
    forms = [
        f"{_vn(area_m2)} m²", f"{_vn(area_m2)}m²", f"{_vn(area_m2)} m2", f"{_vn(area_m2)}m2",
        f"{_vn(area_m2)} mét vuông", (f"{int(area_m2)}" if whole else f"{area_m2:.1f}".replace(".", ",")) + " m²",
    ]
    text = rng.choice(forms)
    return text, {"area_m2": area_m2, "area_value": area_m2, "area_unit": "m²", "area_text": text}


def _use(rng: random.Random, code: str) -> str:
    return rng.choice(LAND_USES[code])


def _loc(rng: random.Random, place: Place) -> str:
    """Where the land lies, with or without the hamlet, sometimes with the province abbreviated away."""
    return pick(rng, [
        f"tọa lạc tại {place.full()}",
        f"tại {place.full(hamlet=False)}",
        f"ở {place.hamlet_full}, {place.commune_full}",
        f"thuộc {place.commune_full}, {place.district_full}",
        f"tại {place.hamlet}, {place.commune_full}, {place.district_full}",
    ])


def _pt(p: LandParcel, area: dict | None, use: bool) -> dict:
    t = {"parcel_no": str(p.parcel_no), "map_sheet": str(p.map_sheet),
         "area_m2": area["area_m2"] if area else None, "land_use": p.land_use if use else None,
         "commune": p.place.commune, "district": p.place.district, "province": p.place.province}
    if area:
        t.update({k: area[k] for k in ("area_value", "area_unit", "area_text")})
    return t


def one_parcel(rng: random.Random, p: LandParcel) -> tuple[str, dict]:
    """One parcel in an order the first generator never wrote (area first, sheet first, labels …)."""
    a_text, a = area_phrase(rng, p.area_m2)
    no, sh = p.parcel_no, p.map_sheet
    use = rng.random() < 0.4
    u = _use(rng, p.land_use)
    style = rng.randrange(10)
    if style == 0:
        text = f"phần đất có diện tích {a_text} thuộc thửa số {no}, tờ bản đồ số {sh}"
    elif style == 1:
        text = f"diện tích {a_text} {u} thuộc thửa đất số {no}, tờ bản đồ số {sh}" if use else \
            f"diện tích {a_text} đất thuộc thửa đất số {no}, tờ bản đồ số {sh}"
    elif style == 2:
        text = f"{a_text}{'' if 'đất' in a_text else ' đất'} (thửa {no}, tờ {sh})"
    elif style == 3:
        text = f"tờ bản đồ số {sh}, thửa số {no}, diện tích {a_text}"
    elif style == 4:
        text = f"tờ bản đồ {sh} thửa {no} có diện tích là {a_text}"
    elif style == 5:
        text = f"thửa đất số {no} (tờ bản đồ địa chính số {sh}) với tổng diện tích {a_text}"
    elif style == 6:
        text = f"khoảng {a_text} đất nằm trong thửa số {no}, tờ bản đồ số {sh}"
    elif style == 7:
        text = f"thửa {no}, tờ bản đồ {sh}, DT: {a_text}"
    elif style == 8:
        text = f"phần đất {a_text} tọa lạc trên thửa {no} tờ bản đồ số {sh}"
    else:
        text = f"số thửa: {no}; số tờ bản đồ: {sh}; diện tích: {a_text}"
    if use and style != 1:
        text += f", mục đích sử dụng {u}" if rng.random() < 0.5 else f" ({u})"
    return text, _pt(p, a, use)


def parcel_group(rng: random.Random, place: Place, k: int) -> tuple[str, list[dict], list[LandParcel]]:
    """Several parcels on one sheet: a list, a range, or each with its own area."""
    sheet = rng.randint(1, 70)
    start = rng.randint(3, 900)
    style = rng.randrange(5)
    if style == 1:  # a range: consecutive numbers
        nos = list(range(start, start + k))
    else:
        nos = sorted({start + i * rng.randint(1, 3) for i in range(k)})
        nos = nos if len(nos) == k else list(range(start, start + k))
    parcels = [LandParcel(n, sheet, random_parcel(rng, place).area_m2, "LUC", place, "") for n in nos]
    joined = ", ".join(map(str, nos[:-1])) + " và " + str(nos[-1])
    if style == 0:
        text = rng.choice([f"các thửa {joined}, tờ bản đồ số {sheet}", f"các thửa đất số {joined} cùng tờ bản đồ số {sheet}",
                           f"thửa số {', '.join(map(str, nos))} tờ bản đồ số {sheet}"])
        truths = [_pt(p, None, False) for p in parcels]
    elif style == 1:
        text = rng.choice([f"các thửa từ số {nos[0]} đến số {nos[-1]}, tờ bản đồ số {sheet}",
                           f"từ thửa số {nos[0]} đến thửa số {nos[-1]} thuộc tờ bản đồ số {sheet}"])
        truths = [_pt(p, None, False) for p in parcels]
    elif style == 2:  # sheet first
        text = f"tờ bản đồ số {sheet}, các thửa {joined}"
        truths = [_pt(p, None, False) for p in parcels]
    elif style == 3:  # each with its own area
        parts, truths = [], []
        for p in parcels:
            a_text, a = area_phrase(rng, p.area_m2)
            parts.append(rng.choice([f"thửa {p.parcel_no} ({a_text})", f"thửa số {p.parcel_no} diện tích {a_text}"]))
            truths.append(_pt(p, a, False))
        text = ", ".join(parts[:-1]) + " và " + parts[-1] + f", cùng tờ bản đồ số {sheet}"
    else:  # total area first
        total = round(sum(p.area_m2 for p in parcels), 1)
        a_text, _ = area_phrase(rng, total)
        text = f"tổng diện tích {a_text} gồm các thửa {joined}, tờ bản đồ số {sheet}"
        truths = [_pt(p, None, False) for p in parcels]
    return text + ", " + _loc(rng, place), truths, parcels


def parcels_clause(rng: random.Random, place: Place) -> tuple[str, list[dict]]:
    if rng.random() < 0.3:
        text, truths, _ = parcel_group(rng, place, rng.choice([2, 3, 3, 4]))
        return text, truths
    p = random_parcel(rng, place)
    text, t = one_parcel(rng, p)
    if rng.random() < 0.7:
        text += ", " + _loc(rng, place)
    return text, [t]


# ----------------------------------------------------------------------------------------------- people

POSTS = [
    "Chủ tịch UBND {c}", "Phó Chủ tịch Ủy ban nhân dân {c}", "cán bộ địa chính {c}", "Trưởng {h}",
    "Trưởng Công an {c}", "công chức Tư pháp - Hộ tịch {c}", "Bí thư Chi bộ {h}", "Phó Trưởng {h}",
]


def show_name(rng: random.Random, p: Person, caps: float = 0.15) -> str:
    return p.name.upper() if rng.random() < caps else p.name


STREETS = ["Trần Hưng Đạo", "Hà Hoàng Hổ", "Lý Thái Tổ", "Nguyễn Trãi", "Tôn Đức Thắng", "Lê Lợi", "Nguyễn Huệ",
           "Hai Bà Trưng", "Phạm Hồng Thái", "Nguyễn Văn Cưng", "Lê Văn Nhung", "30 Tháng 4", "Võ Thị Sáu"]


def _street(rng: random.Random) -> str:
    """A house on a street, without ấp/khóm: `số 12 đường Trần Hưng Đạo`, `số 45/3 Lê Lợi`, `hẻm 7 đường …`."""
    n = rng.randint(1, 320)
    street = rng.choice(STREETS)
    return pick(rng, [
        f"số {n} đường {street}", f"số {n}/{rng.randint(1, 30)} đường {street}", f"số {n} {street}",
        f"{n} đường {street}", f"hẻm {rng.randint(1, 40)}, đường {street}",
    ])


def addr_phrase(rng: random.Random, p: Person, new_style: bool = False) -> str:
    """The address, sometimes without the hamlet/khóm word (`Mỹ Thới, xã …`), without the hamlet at all, or a
    street address; `new_style`: written after 1 July 2025, commune and province only (no district)."""
    pl = p.place
    if new_style:
        return pick(rng, [
            f"{pl.commune_full}, tỉnh An Giang",
            f"{pl.hamlet_full}, {pl.commune_full}, tỉnh An Giang",
            f"{_street(rng)}, {pl.commune_full}, tỉnh An Giang",
            f"{pl.hamlet}, {pl.commune_full}, tỉnh An Giang",
        ])
    r = rng.random()
    if r < 0.2:
        return f"{pl.hamlet}, {pl.commune_full}, {pl.district_full}, tỉnh {pl.province}"
    if r < 0.32:
        return pl.full(hamlet=False)
    if r < 0.4:
        return f"{pl.hamlet_full}, {pl.commune_full}, {pl.district_full}, An Giang"
    if r < 0.55:  # a street address: no ấp/khóm, sometimes no province
        tail = rng.choice([f", tỉnh {pl.province}", ""])
        return f"{_street(rng)}, {pl.commune_full}, {pl.district_full}{tail}"
    return p.address


def id_line(rng: random.Random, p: Person) -> str:
    d = fmt_short(p.id_date, zero_month=rng.random() < 0.5)
    return pick(rng, [
        f"{p.id_kind} số {p.id_number} cấp ngày {d} tại {p.id_place}",
        f"{p.id_kind} số: {p.id_number}   cấp ngày: {d}   tại: {p.id_place}",
        f"Số định danh cá nhân: {p.id_number}",
        f"{p.id_kind}: {p.id_number}, ngày cấp {d}, nơi cấp {p.id_place}",
    ])


def label_block(rng: random.Random, b: DocBuilder, p: Person, role: str, post: str | None = None,
                indent: float = 0.5, new_style: bool = False) -> None:
    """`Họ và tên: …` with `Chức vụ:` / `Năm sinh:` on the same line or the next; an id line; an address line."""
    name = show_name(rng, p, caps=0.3)
    label = rng.choice(["Họ và tên", "Họ tên", "Ông/Bà", "Tên"])
    second = f"Chức vụ: {post}" if post else rng.choice([f"Năm sinh: {p.birth_year}", f"Sinh năm: {p.birth_year}",
                                                          f"Giới tính: {'Nam' if p.male else 'Nữ'}"])
    if rng.random() < 0.5:
        b.para(f"{label}: {name}{rng.choice(['   ', ' ', '; ', '    '])}{second}", indent=indent, align="left")
    else:
        b.para(f"{label}: {name}", indent=indent, align="left")
        b.para(second, indent=indent, align="left")
    with_id = rng.random() < 0.75
    if with_id:
        text = id_line(rng, p)
        if rng.random() < 0.3 and " cấp ngày " in text:
            head, tail = text.split(" cấp ngày ", 1)
            b.para(head, indent=indent, align="left")
            b.para("Cấp ngày " + tail, indent=indent, align="left")
        else:
            b.para(text, indent=indent, align="left")
    addr = addr_phrase(rng, p, new_style)
    b.para(f"{rng.choice(['Địa chỉ', 'Nơi cư trú', 'Thường trú', 'Địa chỉ liên hệ'])}: {addr}", indent=indent, align="left")
    b.party(name, role, p.id_number if with_id else None, addr)


def inline_person(rng: random.Random, b: DocBuilder, p: Person, role: str, post: str | None = None,
                  hon: float = 0.6, new_style: bool = False) -> str:
    """`ông Nguyễn Văn A (Chủ tịch UBND xã …)`, `Nguyễn Văn A – cán bộ địa chính`, `bà LÊ THỊ B, sinh năm …`."""
    name = show_name(rng, p)
    text = (f"{p.hon} {name}" if rng.random() < hon else name)
    if post:
        text += rng.choice([f", {post}", f" – {post}", f" ({post})", f" - {post}"])
    elif rng.random() < 0.5:
        text += rng.choice([f", sinh năm {p.birth_year}", f" (SN {p.birth_year})", f", {p.birth_year}"])
    addr = None
    if not post and rng.random() < 0.6:
        addr = addr_phrase(rng, p, new_style)
        text += rng.choice([", ngụ ", ", cư ngụ tại ", ", nhà ở ", ", trú "]) + addr
    b.party(name, role, None, addr)
    return text


# ----------------------------------------------------------------------------------------- references

def ref_number(rng: random.Random, code: str) -> str:
    n = rng.randint(1, 2999)
    return f"{n:02d}/{code}" if n < 10 and rng.random() < 0.5 else f"{n}/{code}"


def cite(rng: random.Random, b: DocBuilder, title: str, number: str, d: dt.date | None, issuer: str | None,
         abbr: str | None = None) -> str:
    """A citation in one of the styles the first generator never wrote; records its truth."""
    shown = number
    r = rng.random()
    if r < 0.15:
        shown = number.replace("/", " / ", 1)
    elif r < 0.25:
        shown = number.replace("/", "/ ", 1)
    head = rng.choice([f"{title} số {shown}", f"{title} {shown}", f"{title} số: {shown}",
                       f"{abbr or title} số {shown}", f"{title} số{shown[:0]} {shown}"])
    truth = {"number": number, "date": None, "issuer": None}
    if d is not None and rng.random() < 0.7:
        head += rng.choice([f" ngày {fmt_short(d)}", f" {fmt_long(d)}", f" ngày {d.day:02d}-{d.month:02d}-{d.year}"])
        truth["date"] = d.isoformat()
    if issuer and rng.random() < 0.6:
        head += f" của {issuer}"
        truth["issuer"] = issuer
    b.ref(truth)
    return head


# ------------------------------------------------------------------------------------------------ letters

TITLES = {
    "complaint": ["ĐƠN KHIẾU NẠI", "ĐƠN KHIẾU NẠI QUYẾT ĐỊNH HÀNH CHÍNH", "ĐƠN XIN KHIẾU NẠI"],
    "denunciation": ["ĐƠN TỐ CÁO", "ĐƠN TỐ GIÁC", "ĐƠN TỐ CÁO HÀNH VI VI PHẠM"],
    "recommendation": ["ĐƠN KIẾN NGHỊ", "ĐƠN PHẢN ÁNH", "ĐƠN ĐỀ XUẤT, KIẾN NGHỊ"],
    "land_dispute": ["ĐƠN TRANH CHẤP ĐẤT", "ĐƠN YÊU CẦU HÒA GIẢI TRANH CHẤP ĐẤT ĐAI", "ĐƠN TRANH CHẤP QUYỀN SỬ DỤNG ĐẤT"],
}
NEUTRAL = ["ĐƠN", "ĐƠN TRÌNH BÀY", "ĐƠN XIN XEM XÉT", "ĐƠN CẦU CỨU"]
SIGN = {"complaint": "Người khiếu nại", "denunciation": "Người tố cáo", "recommendation": "Người kiến nghị",
        "land_dispute": "Người đứng đơn"}


def _intro(rng: random.Random, b: DocBuilder, p: Person, role: str, new_style: bool = False) -> None:
    style = rng.randrange(4)
    if style == 0:
        label_block(rng, b, p, role, new_style=new_style)
    elif style == 1:
        name = show_name(rng, p)
        addr = addr_phrase(rng, p, new_style)
        b.para(f"{'Tôi tên' if rng.random() < 0.5 else 'Tôi là'}: {name}, {p.birth_year}, "
               f"{id_line(rng, p)}, ngụ {addr}.")
        b.party(name, role, p.id_number, addr)
    elif style == 2:
        name = show_name(rng, p)
        addr = addr_phrase(rng, p, new_style)
        b.para(f"{p.Hon} {name} – sinh năm {p.birth_year} – cư ngụ tại {addr}.")
        b.party(name, role, None, addr)
    else:
        b.para(f"Người đứng đơn: {inline_person(rng, b, p, role, hon=0.8, new_style=new_style)}.")


# bodies and teams that act in a letter's story: never parties (a person's name is never written this way)
BODIES = [
    "Tổ Xác Minh", "Tổ xác minh", "Tổ Công Tác", "Tổ công tác giải phóng mặt bằng", "Đoàn Kiểm Tra", "Đoàn kiểm tra",
    "Đoàn Thanh Tra", "Hội Đồng Hòa Giải", "Hội đồng bồi thường", "Tổ Hòa Giải {h}", "Ban Nhân Dân {h}",
    "Ban Bồi Thường", "Tổ Đo Đạc", "Đội Quản Lý Trật Tự Đô Thị", "Tổ Dân Phố số {n}", "TỔ XÁC MINH",
]


def body_sentence(rng: random.Random, place: Place, d: dt.date) -> str:
    """A sentence in which a body or team (`Tổ Xác Minh`, `Đoàn Kiểm Tra`) does something in a role context."""
    body = rng.choice(BODIES).format(h=place.hamlet_full, n=rng.randint(1, 20))
    of = rng.choice(["", f" của {place.commune_full}", f" của Ủy ban nhân dân {place.commune_full}", f" {place.commune_full}"])
    when = fmt_short(before(rng, d, 10, 200))
    return pick(rng, [
        f"Ngày {when}, {body}{of} có mời gia đình tôi lên làm việc nhưng không giải quyết dứt điểm.",
        f"Gia đình tôi đã bị {body}{of} lập biên bản mà không cho tôi trình bày.",
        f"Sự việc đã được {body}{of} hòa giải nhưng không thành.",
        f"Tôi và {body}{of} đã đo đạc lại ranh giới nhưng không thống nhất được.",
        f"Theo kết quả làm việc với {body}{of} ngày {when}, sự việc vẫn chưa được giải quyết.",
        f"Năm {d.year - 1}, {body}{of} đến làm việc, ghi nhận ý kiến của tôi nhưng đến nay chưa có trả lời.",
    ])


def _facts(rng: random.Random, b: DocBuilder, type_: str, place: Place, d: dt.date, exclude: set[str]) -> None:
    ptext, ptruth = parcels_clause(rng, place)
    b.parcels(ptruth)
    agency = committee(place, rng.choice(["commune", "district"]))
    issuer = rng.choice([agency.name, agency.short])
    dec_date = before(rng, d, 30, 400)
    if type_ == "complaint":
        b.para(pick(rng, [
            lambda: f"Gia đình tôi có {ptext}. Ngày {fmt_short(dec_date)}, {issuer} ra "
                    f"{cite(rng, b, 'Quyết định', ref_number(rng, 'QĐ-UBND'), None, None, 'QĐ')} thu hồi phần đất này "
                    "mà không bồi thường thỏa đáng.",
            lambda: f"Tôi không đồng ý với {cite(rng, b, 'Quyết định', ref_number(rng, 'QĐ-UBND'), dec_date, issuer, 'QĐ')} "
                    f"về việc thu hồi {ptext}, vì việc thu hồi không đúng trình tự, thủ tục.",
            lambda: f"Theo {cite(rng, b, 'Quyết định', ref_number(rng, 'QĐ-UBND'), dec_date, issuer, 'QĐ')}, "
                    f"{ptext} của gia đình tôi bị thu hồi; giá bồi thường quá thấp so với giá thị trường.",
        ]))
        b.para(rng.choice([
            "Nay tôi làm đơn này khiếu nại quyết định nêu trên, yêu cầu hủy bỏ và xem xét lại quyền lợi của gia đình tôi.",
            "Vì vậy tôi khiếu nại quyết định hành chính trên, đề nghị cơ quan có thẩm quyền giải quyết theo Luật Khiếu nại.",
            "Tôi khiếu nại và yêu cầu được bồi thường đúng giá, hỗ trợ tái định cư theo quy định.",
        ]))
        if issuer in b.lines[-2].text:  # the body complained of, when the letter names it
            b.party(issuer, "subject")
    elif type_ == "denunciation":
        acc = random_person(rng, place, exclude=exclude)
        exclude.add(acc.name)
        post = rng.choice(POSTS).format(c=place.commune_full, h=place.hamlet_full)
        who = inline_person(rng, b, acc, "subject", post=post, hon=0.7)
        b.para(pick(rng, [
            lambda: f"Tôi tố cáo {who} đã nhận tiền của người dân để hợp thức hóa {ptext}.",
            lambda: f"Năm {dec_date.year}, {who} lợi dụng chức vụ làm sai lệch hồ sơ của {ptext}, "
                    "gây thiệt hại cho gia đình tôi.",
            lambda: f"Tôi xin tố giác {who} về hành vi chiếm đoạt tiền bồi thường khi Nhà nước thu hồi {ptext}.",
        ]))
        b.para(rng.choice([
            "Đề nghị cơ quan có thẩm quyền xác minh, xử lý nghiêm người có hành vi vi phạm theo Luật Tố cáo.",
            "Kính mong quý cơ quan điều tra làm rõ và xử lý theo pháp luật hành vi sai phạm nêu trên.",
        ]))
    elif type_ == "recommendation":
        b.para(pick(rng, [
            lambda: f"Con kênh nội đồng chạy ngang {ptext} bị bồi lắng nhiều năm, nước không vào ruộng được, "
                    "bà con không sản xuất được vụ Đông Xuân.",
            lambda: f"Tuyến đường đal đi ngang {ptext} bị sạt lở, xe cộ đi lại rất nguy hiểm, nhất là vào mùa nước nổi.",
            lambda: f"Việc cấp giấy chứng nhận cho {ptext} đã quá hạn nhiều tháng mà chưa có kết quả, "
                    f"dù đã có {cite(rng, b, 'Phiếu hẹn', ref_number(rng, 'PH-VPĐK'), dec_date, None)}.",
        ]))
        b.para(rng.choice([
            "Tôi kiến nghị chính quyền địa phương sớm khảo sát, có phương án khắc phục để người dân yên tâm sản xuất.",
            "Kính đề nghị quý cơ quan quan tâm xem xét, phản hồi để bà con được rõ.",
        ]))
    else:
        opp = random_person(rng, place, exclude=exclude)
        exclude.add(opp.name)
        who = inline_person(rng, b, opp, "disputant", hon=0.85)
        b.para(pick(rng, [
            lambda: f"Gia đình tôi và {who} đang tranh chấp ranh giới {ptext}.",
            lambda: f"Năm {dec_date.year}, {who} tự ý rào lấn sang {ptext} của gia đình tôi.",
            lambda: f"{ptext[:1].upper() + ptext[1:]} của tôi đang bị {who} chiếm sử dụng, hai bên đã hòa giải ở ấp nhưng không thành.",
        ]))
        if rng.random() < 0.4:
            b.para(f"Việc hòa giải tại {place.commune_full} đã được lập "
                   f"{cite(rng, b, 'Biên bản', ref_number(rng, 'BB-HGTC'), dec_date, None)} nhưng không thành.")
        b.para(rng.choice([
            "Nay tôi làm đơn yêu cầu giải quyết tranh chấp đất đai nêu trên, trả lại phần đất cho gia đình tôi.",
            "Đề nghị cơ quan có thẩm quyền giải quyết tranh chấp, xác định lại ranh giới đất giữa hai bên.",
        ]))
    if rng.random() < 0.35:
        b.para(body_sentence(rng, place, d))


def letter(rng: random.Random, type_: str, doc_id: str) -> GeneratedDoc:
    b = DocBuilder()
    place = random_place(rng)
    # written after 1 July 2025: no district level, addresses name commune and province only
    new_style = rng.random() < 0.2
    d = random_date(rng, *((dt.date(2025, 7, 2), dt.date(2026, 11, 30)) if new_style else
                           (dt.date(2019, 1, 1), dt.date(2024, 12, 31))))
    letter_motto(b, rng)
    named = rng.random() < 0.7
    b.heading(rng.choice(TITLES[type_]) if named else rng.choice(NEUTRAL), size=1.3, space_before=1.0)
    dist = committee(place, "district")
    to = ([f"Chủ tịch Ủy ban nhân dân {place.commune_full}", "Ban Tiếp công dân tỉnh An Giang",
           "Chủ tịch Ủy ban nhân dân tỉnh An Giang"] if new_style else
          [dist.head, dist.name, "Ban Tiếp công dân " + place.district_full])
    b.para(f"Kính gửi: {rng.choice(to)}.", indent=3.0, align="left")
    people = [random_person(rng, place)]
    if rng.random() < 0.2:
        people.append(random_person(rng, place, exclude={people[0].name}))
    role = ROLE[type_]
    for p in people:
        _intro(rng, b, p, role, new_style)
    _facts(rng, b, type_, place, d, {p.name for p in people})
    b.para(rng.choice(["Tôi xin chân thành cảm ơn.", "Trân trọng.", "Kính đơn."]))
    place_date_line(b, rng, place.commune if new_style or place.commune_level == "xã" else place.district, d)
    letter_signature(b, rng, SIGN[type_], [p.name for p in people])
    return b.build(doc_id, f"w_{type_}_letter", "petition", type_, named, d)


# ------------------------------------------------------------------------------------------- not letters

def _department(rng: random.Random, place: Place) -> Agency:
    name, code, header = rng.choice([
        ("Sở Giáo dục và Đào tạo tỉnh An Giang", "SGDĐT-VP", ("UBND TỈNH AN GIANG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO")),
        ("Sở Y tế tỉnh An Giang", "SYT-NV", ("UBND TỈNH AN GIANG", "SỞ Y TẾ")),
        ("Sở Nông nghiệp và Phát triển nông thôn tỉnh An Giang", "SNNPTNT-TTBVTV",
         ("UBND TỈNH AN GIANG", "SỞ NÔNG NGHIỆP VÀ PTNT")),
        (f"Phòng Tài nguyên và Môi trường {place.district_full}", "TNMT",
         (f"UBND {place.district_full.upper()}", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG")),
        (f"Ủy ban nhân dân {place.district_full}", "UBND-VX", ("ỦY BAN NHÂN DÂN", place.district_full.upper())),
        (f"Ủy ban nhân dân {place.commune_full}", "UBND", ("ỦY BAN NHÂN DÂN", place.commune_full.upper())),
    ])
    return Agency(name=name, header=header, code=code, head=f"Giám đốc {name}", signer="GIÁM ĐỐC",
                  deputy="PHÓ GIÁM ĐỐC", place_name=rng.choice([place.district, "An Giang"]), level="province")


CONG_VAN = [
    ("V/v cho học sinh nghỉ học tránh bão", [
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc chủ động ứng phó với áp thấp nhiệt đới, {ag} đề nghị "
        "các trường trên địa bàn cho học sinh nghỉ học từ ngày {d1} đến hết ngày {d2}.",
        "Các đơn vị thông báo cho phụ huynh, bảo đảm an toàn trường lớp; sau khi thời tiết ổn định, tổ chức dạy bù.",
    ]),
    ("V/v tăng cường phòng, chống sốt xuất huyết", [
        "Tình hình sốt xuất huyết trên địa bàn tỉnh diễn biến phức tạp, từ đầu năm đến ngày {d1} ghi nhận nhiều ca mắc.",
        "Đề nghị các đơn vị tổ chức chiến dịch diệt lăng quăng, vệ sinh môi trường và báo cáo kết quả trước ngày {d2}.",
    ]),
    ("V/v hướng dẫn xuống giống vụ Đông Xuân", [
        "Căn cứ dự báo thủy văn, {ag} hướng dẫn lịch xuống giống lúa vụ Đông Xuân tập trung, né rầy từ ngày {d1}.",
        "Đề nghị địa phương phổ biến cho nông dân, theo dõi sâu bệnh và báo cáo định kỳ.",
    ]),
    ("V/v góp ý dự thảo kế hoạch sử dụng đất năm {y}", [
        "{ag} gửi dự thảo kế hoạch sử dụng đất năm {y}, đề nghị các đơn vị nghiên cứu, góp ý bằng văn bản trước ngày {d2}.",
        "Nội dung góp ý tập trung vào chỉ tiêu chuyển mục đích sử dụng đất trồng lúa và danh mục công trình.",
    ]),
    ("V/v báo cáo tình hình tiếp công dân", [
        "Để tổng hợp báo cáo định kỳ, {ag} đề nghị các đơn vị báo cáo số lượt tiếp công dân, số đơn khiếu nại, tố cáo, "
        "kiến nghị, phản ánh đã tiếp nhận và kết quả xử lý từ ngày {d1} đến nay.",
        "Báo cáo gửi về trước ngày {d2} để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.",
    ]),
]

BAO_CAO = [
    ("Kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo quý {q} năm {y}", [
        "Trong quý, toàn {u} tiếp {n1} lượt công dân, tiếp nhận {n2} đơn các loại, trong đó có đơn khiếu nại, đơn tố cáo "
        "và đơn kiến nghị, phản ánh; đã giải quyết xong phần lớn số vụ việc thuộc thẩm quyền.",
        "Nguyên nhân phát sinh đơn chủ yếu liên quan đến bồi thường, hỗ trợ khi Nhà nước thu hồi đất và tranh chấp đất đai "
        "giữa các hộ gia đình.",
    ]),
    ("Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội 6 tháng đầu năm {y}", [
        "Sản xuất nông nghiệp ổn định, diện tích gieo trồng lúa đạt kế hoạch; giá lúa ở mức có lợi cho nông dân.",
        "Công tác giáo dục, y tế được quan tâm; tình hình an ninh chính trị, trật tự an toàn xã hội được giữ vững.",
    ]),
    ("Kết quả kiểm tra công tác phòng cháy, chữa cháy năm {y}", [
        "Đoàn kiểm tra đã kiểm tra {n1} cơ sở kinh doanh trên địa bàn {u}, phát hiện một số cơ sở chưa trang bị đủ bình chữa cháy.",
        "Đề nghị các cơ sở khắc phục trong thời hạn 30 ngày kể từ ngày nhận được báo cáo này.",
    ]),
]

TO_TRINH = [
    ("Về việc đề nghị phê duyệt dự toán kinh phí nạo vét kênh thủy lợi năm {y}", [
        "Hệ thống kênh cấp III trên địa bàn {u} bị bồi lắng, ảnh hưởng đến việc tưới tiêu cho khoảng {n1} ha lúa.",
        "{ag} kính trình phê duyệt dự toán kinh phí nạo vét với tổng số tiền {m} đồng từ nguồn ngân sách địa phương.",
    ]),
    ("Về việc đề nghị công nhận xã đạt chuẩn nông thôn mới nâng cao năm {y}", [
        "Sau khi rà soát, {u} đạt đủ các tiêu chí xã nông thôn mới nâng cao theo bộ tiêu chí của tỉnh.",
        "{ag} kính trình xem xét, công nhận và khen thưởng theo quy định.",
    ]),
    ("Về việc đề nghị chuyển mục đích sử dụng đất để xây dựng trường mẫu giáo", [
        "Để đáp ứng nhu cầu học tập của con em trên địa bàn, {ag} đề nghị chuyển mục đích sử dụng {parcel} sang đất giáo dục.",
        "Kính trình cấp có thẩm quyền xem xét, quyết định.",
    ]),
]


def _official_doc(rng: random.Random, doc_id: str, family: str) -> GeneratedDoc:
    b = DocBuilder()
    place = random_place(rng)
    d = random_date(rng, dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    ag = _department(rng, place) if family != "w_to_trinh" else committee(place, rng.choice(["commune", "district"]))
    word = {"w_cong_van": "", "w_bao_cao": "BC-", "w_to_trinh": "TTr-"}[family]
    code = ag.code if not word else word + ag.code.split("-")[0]
    own = ref_number(rng, code)
    official_header(b, rng, ag, own, d)
    b.ref({"number": own})
    fill = {"ag": ag.name, "d1": fmt_short(before(rng, d, 5, 60)), "d2": fmt_short(after(rng, d, 5, 30)),
            "y": d.year, "q": rng.choice(["I", "II", "III", "IV"]), "u": rng.choice([place.commune_full, place.district_full]),
            "n1": rng.randint(12, 480), "n2": rng.randint(5, 90), "m": f"{rng.randint(150, 2900) * 1_000_000:,}".replace(",", ".")}
    if family == "w_cong_van":
        subject, body = rng.choice(CONG_VAN)
        b.add(subject.format(**fill), align="center", italic=True, column="left")
        b.para(f"Kính gửi: {rng.choice(['Các trường trung học phổ thông', 'Ủy ban nhân dân các huyện, thị xã, thành phố', 'Phòng Giáo dục và Đào tạo các huyện', 'Các xã, thị trấn'])}.",
               indent=3.0, align="left", space_before=0.5)
    else:
        title, (subject, body) = (("BÁO CÁO", rng.choice(BAO_CAO)) if family == "w_bao_cao" else ("TỜ TRÌNH", rng.choice(TO_TRINH)))
        b.heading(title, size=1.25, space_before=1.0)
        b.heading(subject.format(**fill))
        if family == "w_to_trinh":
            b.para(f"Kính gửi: {committee(place, 'district' if ag.level == 'commune' else 'province').name}.",
                   indent=3.0, align="left")
    if any("{parcel}" in s for s in body):
        p = random_parcel(rng, place)
        text, t = one_parcel(rng, p)
        b.parcels([t])
        fill["parcel"] = text
    basis = cite(rng, b, rng.choice(["Kế hoạch", "Công văn"]), ref_number(rng, rng.choice(["KH-UBND", "UBND-KT"])),
                 before(rng, d, 10, 90), rng.choice(["Ủy ban nhân dân tỉnh An Giang", None]))
    b.para(f"Căn cứ {basis};")
    for s in body:
        b.para(s.format(**fill))
    b.para(rng.choice(["Trân trọng./.", "Đề nghị các đơn vị nghiêm túc thực hiện./.", "Kính trình./."]))
    signer, _ = official_name(rng)
    official_signature(b, rng, ag, signer, ["Như trên", "Lưu: VT"])
    return b.build(doc_id, family, "other", "unknown", False, d)


def contract(rng: random.Random, doc_id: str) -> GeneratedDoc:
    """HỢP ĐỒNG: parties in label–value blocks (role `related`), often with a post; parcels of a land contract."""
    b = DocBuilder()
    place = random_place(rng)
    d = random_date(rng, dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    letter_motto(b, rng)
    land = rng.random() < 0.6
    title = rng.choice(["HỢP ĐỒNG CHUYỂN NHƯỢNG QUYỀN SỬ DỤNG ĐẤT", "HỢP ĐỒNG THUÊ QUYỀN SỬ DỤNG ĐẤT"]) if land else \
        rng.choice(["HỢP ĐỒNG KINH TẾ", "HỢP ĐỒNG DỊCH VỤ", "HỢP ĐỒNG THI CÔNG XÂY DỰNG"])
    b.heading(title, size=1.25, space_before=1.0)
    own = ref_number(rng, rng.choice(["HĐ", "HĐKT", "2024/HĐ-DV"]))
    b.heading(f"Số: {own}", bold=False)
    b.ref({"number": own})
    b.para(f"Hôm nay, {fmt_long(d)}, tại {place.full()}, chúng tôi gồm có:")
    used: set[str] = set()
    for side in ("BÊN A", "BÊN B"):
        company = not land and rng.random() < 0.7 or (side == "BÊN B" and rng.random() < 0.3)
        b.para(f"{side} ({rng.choice(['bên chuyển nhượng', 'bên cho thuê', 'bên giao'] if side == 'BÊN A' else ['bên nhận chuyển nhượng', 'bên thuê', 'bên nhận'])}):",
               bold=True, align="left", indent=0.0)
        if company:
            b.para(f"Tên đơn vị: Công ty TNHH {rng.choice(['Thuận Phát', 'Mekong Agri', 'An Giang Xanh', 'Nam Việt', 'Sao Mai'])}",
                   indent=0.5, align="left")
            foreign = rng.random() < 0.25
            if foreign:
                name = rng.choice(["Kobayashi Taihei", "Tanaka Hiroshi", "Kim Min Jun", "Park Ji Hoon", "Lim Wei Ming"])
                b.para(f"Đại diện: Ông {name}   Chức vụ: {rng.choice(['Tổng Giám đốc', 'Giám đốc'])}", indent=0.5, align="left")
                b.party(name, "related")
            else:
                p = random_person(rng, place, exclude=used)
                used.add(p.name)
                label_block(rng, b, p, "related", post=rng.choice(["Giám đốc", "Phó Giám đốc", "Trưởng phòng Kinh doanh"]))
            b.para(f"Mã số thuế: 1600{rng.randint(100000, 999999)}", indent=0.5, align="left")
        else:
            p = random_person(rng, place, exclude=used)
            used.add(p.name)
            label_block(rng, b, p, "related")
    if land:
        text, truths = parcels_clause(rng, place)
        b.parcels(truths)
        b.para(f"Điều 1. Bên A đồng ý {'chuyển nhượng' if 'CHUYỂN' in title else 'cho thuê'} cho Bên B quyền sử dụng "
               f"{text}.")
        b.para(f"Điều 2. Giá {'chuyển nhượng' if 'CHUYỂN' in title else 'thuê'} là {rng.randint(50, 3000) * 1_000_000:,} đồng."
               .replace(",", "."))
    else:
        b.para("Điều 1. Bên A giao cho Bên B thực hiện các công việc theo phụ lục đính kèm hợp đồng này.")
        b.para(f"Điều 2. Giá trị hợp đồng là {rng.randint(20, 900) * 1_000_000:,} đồng, thanh toán làm hai đợt.".replace(",", "."))
    b.para("Điều 3. Hai bên cam kết thực hiện đúng các điều khoản đã thỏa thuận; hợp đồng lập thành 04 bản có giá trị như nhau.")
    b.add("ĐẠI DIỆN BÊN A", align="center", bold=True, column="left", space_before=1.0)
    b.add("ĐẠI DIỆN BÊN B", align="center", bold=True, column="right", space_before=1.0)
    return b.build(doc_id, "w_hop_dong", "other", "unknown", False, d)


FORWARD_WORD = {"complaint": "khiếu nại", "denunciation": "tố cáo", "recommendation": "kiến nghị, phản ánh",
                "land_dispute": "tranh chấp đất đai"}
FORWARD_CONTENT = {
    "complaint": ["khiếu nại {ref} về việc thu hồi đất", "khiếu nại việc bồi thường, hỗ trợ khi thu hồi {parcel}"],
    "denunciation": ["tố cáo {acc} có hành vi nhận tiền khi làm hồ sơ cấp giấy chứng nhận cho {parcel}",
                     "tố cáo {acc} lợi dụng chức vụ chiếm đoạt tiền hỗ trợ"],
    "recommendation": ["kiến nghị sửa chữa tuyến đường giao thông nông thôn bị sạt lở gần {parcel}",
                       "phản ánh việc chậm cấp giấy chứng nhận quyền sử dụng đất cho {parcel}"],
    "land_dispute": ["đề nghị giải quyết tranh chấp ranh giới {parcel} với {opp}",
                     "yêu cầu giải quyết tranh chấp quyền sử dụng {parcel} với {opp}"],
}


def forwarding_slip(rng: random.Random, doc_id: str) -> GeneratedDoc:
    """PHIẾU CHUYỂN ĐƠN: kind `other`, typed by the letter it forwards."""
    type_ = rng.choice(list(FORWARD_WORD))
    b = DocBuilder()
    place = random_place(rng)
    d = random_date(rng, dt.date(2019, 1, 1), dt.date(2024, 12, 31))
    ag = rng.choice([
        Agency(f"Ban Tiếp công dân {place.district_full}", ("UBND " + place.district_full.upper(), "BAN TIẾP CÔNG DÂN"),
               "PC-BTCD", "Trưởng Ban Tiếp công dân", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", place.district, "district"),
        Agency("Ban Tiếp công dân tỉnh An Giang", ("VĂN PHÒNG UBND TỈNH AN GIANG", "BAN TIẾP CÔNG DÂN"), "PC-BTCD",
               "Trưởng Ban Tiếp công dân", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "An Giang", "province"),
        Agency(f"Thanh tra {place.district_full}", (f"UBND {place.district_full.upper()}", f"THANH TRA {place.district.upper()}"),
               "PC-TTr", "Chánh Thanh tra", "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", place.district, "district"),
    ])
    own = ref_number(rng, ag.code)
    official_header(b, rng, ag, own, d)
    b.ref({"number": own})
    b.heading("PHIẾU CHUYỂN ĐƠN", size=1.25, space_before=1.0)
    target = committee(place, rng.choice(["commune", "district"]))
    b.para(f"Kính gửi: {rng.choice([target.head, target.name])}.", indent=3.0, align="left")
    p = random_person(rng, place)
    role = ROLE[type_]
    recv = before(rng, d, 2, 20)
    letter_date = before(rng, recv, 1, 15)
    ptext, ptruth = parcels_clause(rng, place)
    fill = {"parcel": ptext, "ref": "", "acc": "", "opp": ""}
    content = rng.choice(FORWARD_CONTENT[type_])
    if "{ref}" in content:
        fill["ref"] = cite(rng, b, "Quyết định", ref_number(rng, "QĐ-UBND"), before(rng, letter_date, 30, 300),
                           target.name, "QĐ")
        if f"của {target.name}" in fill["ref"]:  # the body whose decision is complained of, when written
            b.party(target.name, "subject")
    if "{acc}" in content:
        acc = random_person(rng, place, exclude={p.name})
        fill["acc"] = inline_person(rng, b, acc, "subject",
                                    post=rng.choice(POSTS).format(c=place.commune_full, h=place.hamlet_full), hon=0.9)
    if "{opp}" in content:
        opp = random_person(rng, place, exclude={p.name})
        fill["opp"] = inline_person(rng, b, opp, "disputant", hon=0.9)
    if "{parcel}" in content:
        b.parcels(ptruth)
    who = inline_person(rng, b, p, role, hon=0.9)
    style = rng.randrange(2)
    if style == 0:
        b.para(f"Ngày {fmt_short(recv)}, {ag.name} nhận được đơn {FORWARD_WORD[type_]} đề ngày {fmt_short(letter_date)} "
               f"của {who}.")
        b.para("Nội dung đơn: " + content.format(**fill) + ".")
    else:
        b.para(f"{ag.name} nhận được đơn của {who}, {content.format(**fill)}.")
    b.para(rng.choice([
        f"Căn cứ Luật Tiếp công dân năm 2013 và Thông tư số 05/2021/TT-TTCP của Thanh tra Chính phủ, {ag.name} chuyển "
        "đơn đến quý cơ quan để xem xét, giải quyết theo thẩm quyền.",
        "Xét thấy nội dung đơn thuộc thẩm quyền giải quyết của quý cơ quan, nay chuyển đơn để xem xét, giải quyết và "
        "thông báo kết quả cho người đứng đơn biết.",
    ]))
    if "05/2021/TT-TTCP" in b.lines[-1].text:
        b.ref({"number": "05/2021/TT-TTCP", "date": None, "issuer": "Thanh tra Chính phủ"})
    signer, _ = official_name(rng)
    official_signature(b, rng, ag, signer, ["Như trên", f"{'Ông' if p.male else 'Bà'} {p.name} (để biết)", "Lưu: VT"])
    return b.build(doc_id, "w_phieu_chuyen_don", "other", type_, True, d)


# --------------------------------------------------------------------------------------------------- API

def generate_wording_doc(rng: random.Random, family: str | None = None, doc_id: str = "doc") -> GeneratedDoc:
    family = family or rng.choices(list(WORDING_FAMILIES), list(WORDING_FAMILIES.values()))[0]
    if family.endswith("_letter"):
        return letter(rng, family[2:-len("_letter")], doc_id)
    if family in ("w_cong_van", "w_bao_cao", "w_to_trinh"):
        return _official_doc(rng, doc_id, family)
    if family == "w_hop_dong":
        return contract(rng, doc_id)
    if family == "w_phieu_chuyen_don":
        return forwarding_slip(rng, doc_id)
    raise ValueError(f"unknown family: {family}")


def generate_wordings(n: int, seed: int) -> list[GeneratedDoc]:
    """`n` documents of the second template set, deterministic for `seed`; ids `w{seed}-{i:05d}`."""
    rng = random.Random(f"donthu-wordings:{seed}")
    return [generate_wording_doc(rng, doc_id=f"w{seed}-{i:05d}") for i in range(n)]


__all__ = ["WORDING_FAMILIES", "area_phrase", "generate_wording_doc", "generate_wordings"]
