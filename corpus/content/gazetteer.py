"""An Giang administrative units before the 2025 merger: districts, communes/wards/townships, hamlets."""

from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = "An Giang"

# district name -> (level word, min year the level holds, [(commune level, commune name), ...])
DISTRICTS: dict[str, tuple[str, int, list[tuple[str, str]]]] = {
    "Long Xuyên": ("thành phố", 2018, [
        ("phường", "Mỹ Bình"), ("phường", "Mỹ Long"), ("phường", "Mỹ Xuyên"), ("phường", "Bình Khánh"),
        ("phường", "Mỹ Phước"), ("phường", "Mỹ Quý"), ("phường", "Mỹ Thới"), ("phường", "Mỹ Thạnh"),
        ("phường", "Đông Xuyên"), ("phường", "Bình Đức"), ("phường", "Mỹ Hòa"), ("xã", "Mỹ Khánh"),
        ("xã", "Mỹ Hòa Hưng"),
    ]),
    "Châu Đốc": ("thành phố", 2018, [
        ("phường", "Châu Phú A"), ("phường", "Châu Phú B"), ("phường", "Núi Sam"), ("phường", "Vĩnh Mỹ"),
        ("phường", "Vĩnh Ngươn"), ("xã", "Vĩnh Châu"), ("xã", "Vĩnh Tế"),
    ]),
    "Tân Châu": ("thị xã", 2018, [
        ("phường", "Long Thạnh"), ("phường", "Long Hưng"), ("phường", "Long Châu"), ("phường", "Long Phú"),
        ("phường", "Long Sơn"), ("xã", "Phú Lộc"), ("xã", "Vĩnh Xương"), ("xã", "Vĩnh Hòa"),
        ("xã", "Tân Thạnh"), ("xã", "Tân An"), ("xã", "Long An"), ("xã", "Châu Phong"), ("xã", "Phú Vĩnh"),
        ("xã", "Lê Chánh"),
    ]),
    "Tịnh Biên": ("thị xã", 2021, [
        ("phường", "Nhà Bàng"), ("phường", "Chi Lăng"), ("phường", "Tịnh Biên"), ("phường", "Thới Sơn"),
        ("phường", "Nhơn Hưng"), ("phường", "An Phú"), ("phường", "Núi Voi"), ("xã", "An Cư"),
        ("xã", "An Hảo"), ("xã", "An Nông"), ("xã", "Tân Lợi"), ("xã", "Tân Lập"), ("xã", "Văn Giáo"),
        ("xã", "Vĩnh Trung"),
    ]),
    "An Phú": ("huyện", 2018, [
        ("thị trấn", "An Phú"), ("thị trấn", "Long Bình"), ("xã", "Khánh An"), ("xã", "Khánh Bình"),
        ("xã", "Quốc Thái"), ("xã", "Nhơn Hội"), ("xã", "Phú Hữu"), ("xã", "Phú Hội"),
        ("xã", "Vĩnh Hội Đông"), ("xã", "Đa Phước"), ("xã", "Vĩnh Trường"), ("xã", "Vĩnh Lộc"),
        ("xã", "Phước Hưng"), ("xã", "Vĩnh Hậu"),
    ]),
    "Châu Phú": ("huyện", 2018, [
        ("thị trấn", "Cái Dầu"), ("thị trấn", "Vĩnh Thạnh Trung"), ("xã", "Bình Long"), ("xã", "Bình Phú"),
        ("xã", "Bình Chánh"), ("xã", "Bình Mỹ"), ("xã", "Bình Thủy"), ("xã", "Khánh Hòa"), ("xã", "Mỹ Đức"),
        ("xã", "Mỹ Phú"), ("xã", "Ô Long Vỹ"), ("xã", "Đào Hữu Cảnh"), ("xã", "Thạnh Mỹ Tây"),
    ]),
    "Châu Thành": ("huyện", 2018, [
        ("thị trấn", "An Châu"), ("xã", "Bình Hòa"), ("xã", "Bình Thạnh"), ("xã", "Cần Đăng"),
        ("xã", "Hòa Bình Thạnh"), ("xã", "Vĩnh An"), ("xã", "Vĩnh Hanh"), ("xã", "Vĩnh Lợi"),
        ("xã", "Vĩnh Nhuận"), ("xã", "Vĩnh Thành"), ("xã", "An Hòa"), ("xã", "Tân Phú"),
    ]),
    "Chợ Mới": ("huyện", 2018, [
        ("thị trấn", "Chợ Mới"), ("thị trấn", "Mỹ Luông"), ("xã", "Mỹ Hội Đông"), ("xã", "Long Điền A"),
        ("xã", "Long Điền B"), ("xã", "Kiến An"), ("xã", "Kiến Thành"), ("xã", "Hòa Bình"), ("xã", "Nhơn Mỹ"),
        ("xã", "Long Giang"), ("xã", "Long Kiến"), ("xã", "Mỹ An"), ("xã", "An Thạnh Trung"), ("xã", "Hội An"),
        ("xã", "Hòa An"), ("xã", "Tấn Mỹ"), ("xã", "Mỹ Hiệp"), ("xã", "Bình Phước Xuân"),
    ]),
    "Phú Tân": ("huyện", 2018, [
        ("thị trấn", "Phú Mỹ"), ("thị trấn", "Chợ Vàm"), ("xã", "Phú Thạnh"), ("xã", "Phú Long"),
        ("xã", "Phú Hưng"), ("xã", "Phú Thọ"), ("xã", "Phú Xuân"), ("xã", "Phú An"), ("xã", "Phú Hiệp"),
        ("xã", "Phú Bình"), ("xã", "Phú Thành"), ("xã", "Hiệp Xương"), ("xã", "Tân Hòa"), ("xã", "Tân Trung"),
        ("xã", "Long Hòa"), ("xã", "Bình Thạnh Đông"),
    ]),
    "Thoại Sơn": ("huyện", 2018, [
        ("thị trấn", "Núi Sập"), ("thị trấn", "Phú Hòa"), ("thị trấn", "Óc Eo"), ("xã", "Vọng Đông"),
        ("xã", "Vọng Thê"), ("xã", "Định Mỹ"), ("xã", "Định Thành"), ("xã", "Thoại Giang"),
        ("xã", "Bình Thành"), ("xã", "Tây Phú"), ("xã", "Vĩnh Chánh"), ("xã", "Vĩnh Khánh"),
        ("xã", "Vĩnh Trạch"), ("xã", "Mỹ Phú Đông"), ("xã", "Vĩnh Phú"), ("xã", "An Bình"),
    ]),
    "Tri Tôn": ("huyện", 2018, [
        ("thị trấn", "Tri Tôn"), ("thị trấn", "Ba Chúc"), ("xã", "Lương Phi"), ("xã", "Lương An Trà"),
        ("xã", "Núi Tô"), ("xã", "Châu Lăng"), ("xã", "An Tức"), ("xã", "Cô Tô"), ("xã", "Ô Lâm"),
        ("xã", "Lê Trì"), ("xã", "Tà Đảnh"), ("xã", "Tân Tuyến"), ("xã", "Vĩnh Gia"), ("xã", "Vĩnh Phước"),
        ("xã", "Lạc Quới"),
    ]),
}

_HAMLETS_RURAL = [
    "Mỹ Thới", "Mỹ Hòa", "Long Hòa", "Bình Hòa", "Tân Thuận", "An Thạnh", "Phú Hòa", "Hòa Long",
    "Long Thạnh", "Bình Thới", "Kiến Hưng 1", "Kiến Hưng 2", "Nhơn Hòa", "Mỹ Lợi", "Thị 1", "Thị 2",
    "Long Định", "Tân Hiệp", "Hòa Thạnh", "Phú Lợi", "Vĩnh Lợi", "Đông Bình", "Bình Phú 1", "Bình Phú 2",
    "Trung Bình", "Tây Khánh", "Phú Thượng", "Phú Hạ", "Long Quới", "Cồn Cát",
]
_HAMLETS_KHMER = [
    "Tô Thủy", "Phước Lộc", "An Hòa", "Ninh Thuận", "Sóc Tức", "Tà Ngáo", "Phnôm Pi", "Ô Tà Sóc",
    "Tân Long", "Vĩnh Thuận",
]
_KHOM = [
    "Bình Khánh 3", "Đông Thịnh 6", "Đông Phú", "Long Thạnh A", "Long Hưng 1", "Châu Long 2", "Vĩnh Đông",
    "Tây Khánh 4", "Mỹ Thọ", "Xuân Phú",
]
_STREETS = [
    "Trần Hưng Đạo", "Hà Hoàng Hổ", "Lý Thái Tổ", "Nguyễn Trãi", "Tôn Đức Thắng", "Lê Lợi", "Thủ Khoa Huân",
    "Phan Đình Phùng", "Nguyễn Huệ", "Châu Thị Tế", "Ung Văn Khiêm", "Tân Lộ Kiều Lương",
]


@dataclass(frozen=True)
class Place:
    hamlet_level: str  # "ấp" or "khóm"
    hamlet: str
    commune_level: str  # "xã", "phường", "thị trấn"
    commune: str
    district_level: str  # "huyện", "thị xã", "thành phố"
    district: str
    province: str = PROVINCE

    @property
    def commune_full(self) -> str:
        return f"{self.commune_level} {self.commune}"

    @property
    def district_full(self) -> str:
        return f"{self.district_level} {self.district}"

    @property
    def hamlet_full(self) -> str:
        return f"{self.hamlet_level} {self.hamlet}"

    def full(self, hamlet: bool = True) -> str:
        parts = [self.hamlet_full] if hamlet else []
        parts += [self.commune_full, self.district_full, f"tỉnh {self.province}"]
        return ", ".join(parts)


def random_district(rng: random.Random) -> str:
    return rng.choice(sorted(DISTRICTS))


def random_place(rng: random.Random, district: str | None = None, commune: str | None = None) -> Place:
    """A random hamlet in a random commune (of `district`, when given; the same commune when given)."""
    district = district or random_district(rng)
    level, _, communes = DISTRICTS[district]
    if commune is None:
        c_level, c_name = rng.choice(communes)
    else:
        c_level, c_name = next(c for c in communes if c[1] == commune)
    if c_level == "phường" or (c_level == "thị trấn" and rng.random() < 0.5):
        h_level, hamlet = "khóm", rng.choice(_KHOM)
    else:
        pool = _HAMLETS_KHMER if district in ("Tri Tôn", "Tịnh Biên") and rng.random() < 0.5 else _HAMLETS_RURAL
        h_level, hamlet = "ấp", rng.choice(pool)
    return Place(h_level, hamlet, c_level, c_name, level, district)


def min_year(district: str) -> int:
    """First year the district's current level/name is in force (Tịnh Biên became a thị xã in 2021)."""
    return DISTRICTS[district][1]


def street_address(rng: random.Random, place: Place) -> str:
    """A house address in a ward: `số 12, đường Trần Hưng Đạo, khóm ..., phường ..., ...`."""
    return f"số {rng.randint(1, 250)}, đường {rng.choice(_STREETS)}, {place.full()}"


def address(rng: random.Random, place: Place) -> str:
    """An address string as a letter writes it (the whole string is the truth `address`)."""
    r = rng.random()
    if place.commune_level == "phường" and r < 0.4:
        return street_address(rng, place)
    if r < 0.2:
        return f"tổ {rng.randint(1, 30)}, {place.full()}"
    if r < 0.3:
        return f"số nhà {rng.randint(1, 400)}, {place.full()}"
    return place.full()
