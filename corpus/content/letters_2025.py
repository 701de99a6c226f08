"""Letters written since 1 July 2025: addresses and parcels name only the new commune and the province (no
district), drawn from all 102 units of the new An Giang — land of old An Giang and of old Kiên Giang alike —
and addressed to the bodies that exist now (the commune's people's committee, the provincial inspectorate).

Opt-in families (`NEW_FAMILIES`, not in `corpus.content.FAMILIES`: the default corpora of every seed stay as
they were): `generate_doc(rng, "complaint_letter_2025")` and the three others. Ground truth as for the other
letters (parties with the address as written; parcels with commune, no district, province).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from classify.gazetteer import merged_into, new_units
from corpus.content.blocks import letter_motto, letter_signature, place_date_line
from corpus.content.builder import DocBuilder
from corpus.content.dates import random_date
from corpus.content.land import fmt_area
from corpus.content.letters import CLOSINGS, ROLE, ROLE_WORD, SIGN_LABEL, TYPED_TITLES, kinh_gui
from corpus.content.names import official_name, random_person
from corpus.content.people import intro_self
from corpus.model import GeneratedDoc

NEW_FAMILIES: tuple[str, ...] = ("complaint_letter_2025", "denunciation_letter_2025", "recommendation_letter_2025",
                                 "land_dispute_letter_2025")
EARLIEST = dt.date(2025, 7, 1)
LATEST = dt.date(2026, 11, 30)
PROVINCE = "An Giang"

_HAMLETS = ["Mỹ Hòa", "Long Hòa", "Bình Hòa", "Tân Thuận", "An Thạnh", "Phú Hòa", "Hòa Long", "Thị 1",
            "Kênh Xáng", "Xẻo Nhàu", "Tràm Dưới", "Vàm Răng", "Ba Hòn", "Bãi Thơm", "Rạch Sỏi", "Cồn Cát"]
_KHOM = ["Đông Thịnh 6", "Bình Khánh 3", "Long Thạnh A", "Châu Long 2", "Vĩnh Đông", "Tây Khánh 4"]
_STREETS = ["Trần Hưng Đạo", "Nguyễn Trung Trực", "Lê Lợi", "Hà Hoàng Hổ", "Mạc Cửu", "Nguyễn Huệ"]


def unit_full(unit) -> str:
    return f"{unit.commune_type} {unit.commune}"


def new_address(rng: random.Random, unit) -> str:
    """`ấp Mỹ Hòa, xã Nhơn Mỹ, tỉnh An Giang` (a street or khóm in a phường), as a post-2025 letter writes it."""
    if unit.commune_type == "phường":
        head = (f"số {rng.randint(1, 250)}, đường {rng.choice(_STREETS)}" if rng.random() < 0.5
                else f"khóm {rng.choice(_KHOM)}")
    elif unit.commune_type == "đặc khu":
        head = f"khu phố {rng.randint(1, 9)}" if rng.random() < 0.5 else f"ấp {rng.choice(_HAMLETS)}"
    else:
        head = f"ấp {rng.choice(_HAMLETS)}"
    return f"{head}, {unit_full(unit)}, tỉnh {PROVINCE}"


def old_provinces(unit) -> set[str]:
    """The old provinces whose land the new unit took in."""
    return {u.province for u in merged_into(unit)}


def write_letter_2025(rng: random.Random, type_: str, doc_id: str, family: str | None = None) -> GeneratedDoc:
    date = random_date(rng, EARLIEST, LATEST)
    unit = rng.choice(sorted(new_units(), key=lambda u: u.commune_code))
    where = unit_full(unit)
    person = random_person(rng, ref_year=date.year)
    person = replace(person, address=new_address(rng, unit))
    b = DocBuilder()
    letter_motto(b, rng)
    place_date_line(b, rng, unit.commune, date)
    named = rng.random() < 0.7
    b.heading(rng.choice(TYPED_TITLES[type_]) if named else "ĐƠN", size=1.3, space_before=1.0)
    committee = f"Ủy ban nhân dân {where}"
    to = {
        "complaint": [f"Chủ tịch {committee}", f"Chủ tịch Ủy ban nhân dân tỉnh {PROVINCE}"],
        "denunciation": [f"Chủ tịch {committee}", f"Thanh tra tỉnh {PROVINCE}"],
        "recommendation": [committee, f"Chủ tịch {committee}"],
        "land_dispute": [f"Chủ tịch {committee}", committee],
    }[type_]
    kinh_gui(b, rng, [rng.choice(to)] + ([f"Ban Tiếp công dân tỉnh {PROVINCE}"] if rng.random() < 0.3 else []))
    intro_self(rng, b, person, ROLE[type_], ROLE_WORD[type_])
    no, sheet = rng.randint(1, 900), rng.randint(1, 60)
    area = round(rng.uniform(80, 6000), 1)
    land_at = f"{where}, tỉnh {PROVINCE}"
    parcel = f"thửa đất số {no}, tờ bản đồ số {sheet}, diện tích {fmt_area(rng, area)}, tọa lạc tại {land_at}"
    truth = {"parcel_no": str(no), "map_sheet": str(sheet), "area_m2": area, "land_use": None,
             "commune": unit.commune, "district": None, "province": PROVINCE}
    if type_ == "complaint":
        b.parcels([truth])
        b.party(committee, "subject")
        b.para(f"Gia đình tôi đang sử dụng {parcel}. Năm {date.year}, {committee} thu hồi phần đất này để làm "
               "đường giao thông nhưng phương án bồi thường, hỗ trợ không thỏa đáng. Tôi làm đơn này khiếu nại "
               f"việc thu hồi đất của {committee} và đề nghị xem xét lại mức bồi thường.")
    elif type_ == "denunciation":
        official, male = official_name(rng, exclude={person.name})
        b.party(official, "subject")
        b.para(f"Tôi làm đơn này tố cáo {'ông' if male else 'bà'} {official}, cán bộ địa chính {where}, đã nhận "
               f"tiền của người dân khi làm thủ tục cấp Giấy chứng nhận quyền sử dụng đất tại {land_at}, "
               "gây nhũng nhiễu, sai quy định pháp luật.")
    elif type_ == "recommendation":
        b.parcels([truth])
        b.para(f"Tuyến đường giao thông nông thôn đi qua {parcel} bị sạt lở nghiêm trọng, mùa nước nổi gây "
               f"ngập úng. Tôi kiến nghị {committee} sớm khảo sát, gia cố bờ kè để bảo đảm an toàn cho người dân.")
    else:
        b.parcels([truth])
        opponent = random_person(rng, ref_year=date.year, exclude={person.name})
        b.party(opponent.name, "disputant")
        b.para(f"Gia đình tôi và {opponent.hon} {opponent.name} có tranh chấp ranh giới {parcel}. Việc hòa giải "
               f"tại {committee} không thành. Tôi đề nghị giải quyết tranh chấp đất đai theo quy định.")
    b.para(rng.choice(CLOSINGS))
    letter_signature(b, rng, rng.choice(SIGN_LABEL[type_]), [person.name])
    return b.build(doc_id, family or f"{type_}_letter_2025", "petition", type_, named, date, None)
