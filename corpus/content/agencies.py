"""Issuing bodies: people's committees and inspectorates at commune, district and province level."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.content.gazetteer import PROVINCE, Place


@dataclass(frozen=True)
class Agency:
    name: str  # full name as a party/issuer: "Ủy ban nhân dân huyện Chợ Mới"
    header: tuple[str, ...]  # left-column header lines, upper case
    code: str  # number code suffix: "UBND", "TTr"
    head: str  # "Chủ tịch Ủy ban nhân dân huyện Chợ Mới"
    signer: str  # "CHỦ TỊCH", "CHÁNH THANH TRA"
    deputy: str  # "PHÓ CHỦ TỊCH"
    place_name: str  # for the place-date line
    level: str  # "commune" | "district" | "province"

    @property
    def short(self) -> str:
        return self.name.replace("Ủy ban nhân dân", "UBND")


def committee(place: Place, level: str) -> Agency:
    if level == "commune":
        unit = place.commune_full
        place_name = place.commune
    elif level == "district":
        unit = place.district_full
        place_name = place.district
    else:
        unit = f"tỉnh {PROVINCE}"
        place_name = PROVINCE
    name = f"Ủy ban nhân dân {unit}"
    return Agency(
        name=name,
        header=("ỦY BAN NHÂN DÂN", unit.upper()),
        code="UBND",
        head=f"Chủ tịch {name}",
        signer="CHỦ TỊCH",
        deputy="PHÓ CHỦ TỊCH",
        place_name=place_name,
        level=level,
    )


def inspectorate(place: Place, level: str) -> Agency:
    if level == "province":
        unit, parent, place_name = f"tỉnh {PROVINCE}", f"UBND TỈNH {PROVINCE.upper()}", PROVINCE
    else:
        unit, parent, place_name = place.district_full, f"UBND {place.district_full.upper()}", place.district
    name = f"Thanh tra {unit}"
    return Agency(
        name=name,
        header=(parent, f"THANH TRA {unit.split()[0].upper()}" if level == "province" else f"THANH TRA {unit.upper()}"),
        code="TTr",
        head=f"Chánh Thanh tra {unit}",
        signer="CHÁNH THANH TRA",
        deputy="PHÓ CHÁNH THANH TRA",
        place_name=place_name,
        level=level,
    )
