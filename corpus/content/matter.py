"""A matter: the facts shared by every document about one case (parties, parcels, decisions, dates)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from corpus.content import refs
from corpus.content.agencies import Agency, committee
from corpus.content.dates import before, random_date
from corpus.content.gazetteer import Place, min_year, random_place
from corpus.content.land import LandParcel, random_parcels
from corpus.content.names import Person, official_name, random_person

TYPES = ("complaint", "denunciation", "recommendation", "land_dispute")

PROJECTS = [
    "nâng cấp, mở rộng Tỉnh lộ 942", "xây dựng đường tránh Quốc lộ 91", "Khu dân cư vượt lũ {c}",
    "kè chống sạt lở bờ sông Tiền đoạn qua {c}", "Cụm công nghiệp {c}", "nâng cấp tuyến đê bao {c}",
    "xây dựng cầu {c}", "Khu tái định cư {c}", "mở rộng Trường Tiểu học {c}", "nâng cấp Tỉnh lộ 941",
    "xây dựng tuyến kênh thủy lợi {c}", "đường nối Tỉnh lộ 943 vào trung tâm {c}",
]
COMPLAINT_TOPICS = ("recovery", "compensation", "certificate", "penalty")
DENUNCIATION_TOPICS = ("bribe", "falsify", "abuse", "embezzle")
RECOMMENDATION_TOPICS = ("road", "flood", "pollution", "water", "landslide", "policy")
OFFICIAL_POSTS = {
    "bribe": ["cán bộ địa chính {c}", "công chức Địa chính - Xây dựng {c}", "cán bộ Bộ phận một cửa {c}"],
    "falsify": ["cán bộ địa chính {c}", "Phó Chủ tịch Ủy ban nhân dân {c}", "Trưởng {h}"],
    "abuse": ["Chủ tịch Ủy ban nhân dân {c}", "Phó Chủ tịch Ủy ban nhân dân {c}", "Trưởng Công an {c}"],
    "embezzle": ["Trưởng {h}", "cán bộ Lao động - Thương binh và Xã hội {c}", "Chủ tịch Hội Nông dân {c}"],
}


@dataclass
class Matter:
    type: str
    place: Place  # where the land / the problem is
    date: dt.date  # date of the citizen's letter
    petitioners: list[Person]
    representative: Person | None = None
    parcels: list[LandParcel] = field(default_factory=list)
    topic: str = ""
    project: str = ""
    # complaint
    decision: refs.Ref | None = None
    decision_agency: Agency | None = None
    # denunciation
    accused: str = ""
    accused_male: bool = True
    accused_post: str = ""
    amount: int = 0
    # land dispute
    opponent: Person | None = None
    relation: str = ""
    mediation_date: dt.date | None = None
    related: Person | None = None
    # event dates
    event_date: dt.date | None = None

    def names(self) -> set[str]:
        """Every person's name in the matter (new people must be named differently)."""
        people = self.petitioners + [p for p in (self.representative, self.opponent, self.related) if p]
        return {p.name for p in people} | ({self.accused} if self.accused else set())


def random_matter(
    rng: random.Random,
    type_: str,
    n_petitioners: int | None = None,
    n_parcels: int | None = None,
    representative: bool | None = None,
    latest: dt.date = dt.date(2024, 10, 31),
) -> Matter:
    place = random_place(rng)
    start = dt.date(max(2019, min_year(place.district)), 3, 1)
    date = random_date(rng, start, latest)
    if n_petitioners is None:
        n_petitioners = 1 if rng.random() < 0.72 else rng.randint(2, 6)
        if type_ == "recommendation" and rng.random() < 0.5:
            n_petitioners = rng.randint(2, 8)
        if type_ == "denunciation" and n_petitioners > 3:
            n_petitioners = 2
    home = place if rng.random() < 0.8 else random_place(rng, district=place.district)
    petitioners = [random_person(rng, home, ref_year=date.year)]
    for _ in range(n_petitioners - 1):
        near = home if rng.random() < 0.5 else random_place(rng, district=place.district, commune=place.commune)
        petitioners.append(random_person(rng, near, ref_year=date.year, exclude={p.name for p in petitioners}))
    if representative is None:
        representative = rng.random() < 0.2
    rep = random_person(rng, random_place(rng, district=place.district), ref_year=date.year,
                        exclude={p.name for p in petitioners}) if representative else None
    if n_parcels is None:
        n_parcels = 1 if rng.random() < 0.75 else rng.randint(2, 3)
    m = Matter(type=type_, place=place, date=date, petitioners=petitioners, representative=rep)
    m.event_date = before(rng, date, 30, 700)
    m.project = rng.choice(PROJECTS).format(c=place.commune)
    if type_ == "complaint":
        m.topic = rng.choice(COMPLAINT_TOPICS)
        m.parcels = random_parcels(rng, place, n_parcels)
        m.decision_agency = committee(place, "district" if rng.random() < 0.8 else "commune")
        code = {"recovery": "QĐ-UBND", "compensation": "QĐ-UBND", "certificate": "UBND-TNMT",
                "penalty": "QĐ-XPHC"}[m.topic]
        if m.decision_agency.level == "commune" and m.topic == "certificate":
            code = "UBND"
        title = "Công văn" if m.topic == "certificate" else "Quyết định"
        about = {
            "recovery": f"thu hồi đất để thực hiện dự án {m.project}",
            "compensation": f"phê duyệt phương án bồi thường, hỗ trợ, tái định cư dự án {m.project}",
            "certificate": "trả lời đơn xin cấp Giấy chứng nhận quyền sử dụng đất",
            "penalty": "xử phạt vi phạm hành chính trong lĩnh vực đất đai",
        }[m.topic]
        m.decision = refs.Ref(refs.number(rng, code), m.event_date, m.decision_agency.name, title, about)
    elif type_ == "denunciation":
        m.topic = rng.choice(DENUNCIATION_TOPICS)
        m.accused, m.accused_male = official_name(rng, exclude=m.names())
        m.accused_post = rng.choice(OFFICIAL_POSTS[m.topic]).format(c=place.commune_full, h=place.hamlet_full)
        m.amount = rng.choice([3, 5, 8, 10, 15, 20, 30, 50]) * 1_000_000
        if m.topic in ("bribe", "falsify") or rng.random() < 0.3:
            m.parcels = random_parcels(rng, place, 1)
    elif type_ == "recommendation":
        m.topic = rng.choice(RECOMMENDATION_TOPICS)
        if m.topic == "landslide" and rng.random() < 0.6:
            m.parcels = random_parcels(rng, place, n_parcels)
    else:
        m.topic = rng.choice(["neighbour", "relative", "buyer"])
        m.parcels = random_parcels(rng, place, n_parcels)
        fam = m.petitioners[0].name.split()[0] if m.topic == "relative" else None
        m.opponent = random_person(rng, place, ref_year=date.year, family=fam, exclude=m.names())
        kin = ["anh ruột", "em ruột", "chú ruột", "cháu ruột"] if m.opponent.male else ["chị ruột", "em ruột", "cô ruột", "cháu ruột"]
        m.relation = {
            "neighbour": rng.choice(["hộ liền kề", "người sử dụng đất giáp ranh", "hàng xóm", "hộ giáp ranh phía sau"]),
            "relative": rng.choice(kin),
            "buyer": rng.choice(["người nhận chuyển nhượng", "người mua đất", "người thuê đất"]),
        }[m.topic]
        m.mediation_date = before(rng, date, 15, 200)
        if rng.random() < 0.3:
            m.related = random_person(rng, place, ref_year=date.year, exclude=m.names())
    return m
