"""Vietnamese (and Khmer) personal names, identity documents and official posts."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from corpus.content.gazetteer import Place, address, random_place

# family name -> weight (roughly their frequency in the Mekong delta)
FAMILY = {
    "Nguyễn": 30, "Trần": 11, "Lê": 9, "Phạm": 6, "Huỳnh": 6, "Võ": 5, "Phan": 4, "Trương": 3, "Bùi": 2,
    "Đặng": 2, "Đỗ": 2, "Ngô": 2, "Hồ": 2, "Dương": 2, "Lý": 2, "Châu": 1, "Thạch": 1, "Đoàn": 1, "Lâm": 1,
    "Tô": 1, "Mai": 1, "Cao": 1, "Kha": 0.5, "Quách": 0.5, "La": 0.5, "Văng": 0.3, "Sơn": 0.5, "Danh": 0.3,
    "Tăng": 0.3, "Lưu": 0.5,
}
MIDDLE_M = ["Văn", "Văn", "Văn", "Hữu", "Minh", "Thanh", "Ngọc", "Quốc", "Công", "Hoàng", "Tấn", "Phước"]
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Kim", "Thanh", "Mỹ", "Bích", "Thu", "Hồng", "Tuyết"]
GIVEN_M = [
    "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Khánh", "Lâm", "Lộc", "Long", "Nam", "Nghĩa",
    "Phúc", "Quang", "Sang", "Tài", "Thành", "Thắng", "Toàn", "Trí", "Tuấn", "Út", "Vinh", "Hòa", "Bé",
    "Em", "Tư", "Sáu", "Mười", "Đực", "Hoàng", "Kiệt", "Lực", "Thuận", "Quới", "Nhựt",
]
GIVEN_F = [
    "Anh", "Bích", "Cúc", "Diễm", "Dung", "Hạnh", "Hằng", "Hoa", "Hồng", "Hương", "Lan", "Liên", "Loan",
    "Mai", "Nga", "Ngọc", "Nhung", "Phượng", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Xuân", "Yến", "Út",
    "Bé", "Lệ", "Nguyệt", "Trinh", "Ánh",
]
KHMER_GIVEN_M = ["Sóc Khanh", "Pho Thol", "Ty", "Sa Rinh", "Phal", "Sóc Thi", "Chanh Đa", "Sô Phol", "Thươl",
                 "Sóc Ly", "Sa Ren", "Sam Bô", "Chanh Thu", "Kim Sang", "Sà Quel", "Ton"]
KHMER_GIVEN_F = ["Sa Ri", "Sóc Phi", "Kha Ni", "Sa Vên", "Thi Da", "Sô Phia", "Chanh Thi", "Sa Ly", "Sóc Khum",
                 "Srây Nich", "Sô Khum", "Chanh Ty", "Sa Rây"]

ISSUERS_CCCD = [
    "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    "Cục Cảnh sát QLHC về TTXH",
    "Bộ Công an",
]
ISSUERS_CMND = ["Công an tỉnh An Giang", "CA tỉnh An Giang", "Công an An Giang"]


@dataclass(frozen=True)
class Person:
    name: str
    male: bool
    birth_year: int
    id_kind: str  # "CCCD" | "CMND"
    id_number: str
    id_date: dt.date
    id_place: str
    address: str
    place: Place

    @property
    def hon(self) -> str:
        """Honorific, lower case (ông/bà)."""
        return "ông" if self.male else "bà"

    @property
    def Hon(self) -> str:
        return self.hon.capitalize()


def random_name(rng: random.Random, male: bool, khmer: bool = False) -> str:
    if khmer:
        if rng.random() < 0.3:
            return f"Thạch {'Thị ' if not male else ''}{rng.choice(KHMER_GIVEN_M if male else KHMER_GIVEN_F)}"
        return f"{'Chau' if male else 'Néang'} {rng.choice(KHMER_GIVEN_M if male else KHMER_GIVEN_F)}"
    fams, weights = zip(*FAMILY.items())
    family = rng.choices(fams, weights)[0]
    middle = rng.choice(MIDDLE_M if male else MIDDLE_F)
    given = rng.choice(GIVEN_M if male else GIVEN_F)
    if rng.random() < 0.12:  # a second middle name: Nguyễn Thị Ngọc Hạnh
        second = [x for x in (["Ngọc", "Thanh", "Kim", "Minh", "Hoàng"] if middle != "Thị" else ["Kim", "Ngọc", "Mỹ"])
                  if x != middle]
        middle += " " + rng.choice(second)
    while middle.split()[-1] == given:  # not "Nguyễn Bích Bích"
        given = rng.choice(GIVEN_M if male else GIVEN_F[:10])
    return f"{family} {middle} {given}"


def id_number(rng: random.Random, kind: str, male: bool, birth_year: int) -> str:
    if kind == "CMND":
        return "35" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    century = 0 if birth_year < 2000 else 2
    return f"089{century + (0 if male else 1)}{birth_year % 100:02d}" + "".join(
        str(rng.randint(0, 9)) for _ in range(6)
    )


def random_person(
    rng: random.Random,
    place: Place | None = None,
    male: bool | None = None,
    ref_year: int = 2022,
    family: str | None = None,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> Person:
    """A citizen living at `place` (random when None), adult at `ref_year`, named unlike `exclude`."""
    place = place or random_place(rng)
    male = rng.random() < 0.6 if male is None else male
    khmer = place.district in ("Tri Tôn", "Tịnh Biên") and rng.random() < 0.35
    for _ in range(20):
        name = random_name(rng, male, khmer)
        if family and not khmer:
            name = family + name[name.index(" "):]
        if name not in exclude:
            break
    birth_year = rng.randint(ref_year - 85, ref_year - 22)
    kind = "CCCD" if rng.random() < 0.7 else "CMND"
    if kind == "CCCD":
        id_date = dt.date(rng.randint(2016, min(ref_year, 2024)), rng.randint(1, 12), rng.randint(1, 28))
        id_place = rng.choice(ISSUERS_CCCD)
    else:
        id_date = dt.date(rng.randint(2003, 2015), rng.randint(1, 12), rng.randint(1, 28))
        id_place = rng.choice(ISSUERS_CMND)
    return Person(
        name=name,
        male=male,
        birth_year=birth_year,
        id_kind=kind,
        id_number=id_number(rng, kind, male, birth_year),
        id_date=id_date,
        id_place=id_place,
        address=address(rng, place),
        place=place,
    )


def official_name(rng: random.Random, male: bool | None = None,
                  exclude: set[str] | frozenset[str] = frozenset()) -> tuple[str, bool]:
    male = rng.random() < 0.7 if male is None else male
    name = random_name(rng, male)
    while name in exclude:
        name = random_name(rng, male)
    return name, male
