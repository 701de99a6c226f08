"""Generated letters written since 1 July 2025 (corpus.content.letters_2025): addresses and parcels name the new
commune and the province only, from the land of both old provinces; the understanding pipeline reads their
places as new units equal to the ground truth; the default families (and so every default corpus) are
unchanged."""

from __future__ import annotations

import random
import re

from classify import analyse
from classify.gazetteer import merged_into, new_units
from corpus.content import FAMILIES, NEW_FAMILIES, generate_doc

DISTRICT_WORDS = re.compile(r"\b(huyện|thị xã|thành phố|quận)\b", re.I)


def _docs(n: int = 40):
    rng = random.Random(2025)
    return [generate_doc(rng, NEW_FAMILIES[i % 4], f"n{i}") for i in range(n)]


def test_new_families_are_opt_in():
    assert not set(NEW_FAMILIES) & set(FAMILIES)


def test_post_2025_letters_have_new_addresses_without_district():
    docs = _docs()
    units = {u.commune: u for u in new_units()}
    provinces = set()
    for d in docs:
        assert d.date >= "2025-07-01"
        for p in d.parties:
            if p["address"]:
                assert not DISTRICT_WORDS.search(p["address"]), p["address"]
                assert p["address"].endswith("tỉnh An Giang")
        for parcel in d.parcels:
            assert parcel["district"] is None and parcel["province"] == "An Giang"
            provinces |= {u.province for u in merged_into(units[parcel["commune"]])}
    assert provinces == {"An Giang", "Kiên Giang"}  # land of both old provinces


def test_the_pipeline_reads_them_as_new_units():
    docs = _docs()
    parcels = addresses = parcels_right = addresses_right = 0
    for d in docs:
        a = analyse("\n".join(line.text for line in d.lines))
        predicted = {p.parcel_no: p for p in a.parcels}
        for truth in d.parcels:
            parcels += 1
            got = predicted.get(truth["parcel_no"])
            if got and got.place and got.place.era == "new" and got.place.new.commune == truth["commune"]:
                parcels_right += 1
        truth_addresses = {p["name"]: p["address"] for p in d.parties if p["address"]}
        for p in a.parties:
            if p.name in truth_addresses:
                addresses += 1
                commune = re.search(r"(?:xã|phường|đặc khu) ([^,]+), tỉnh", truth_addresses[p.name]).group(1)
                if p.place and p.place.new and p.place.new.commune == commune:
                    addresses_right += 1
    print(f"parcels {parcels_right}/{parcels}, addresses {addresses_right}/{addresses}")
    assert parcels >= 25 and parcels_right / parcels >= 0.9
    assert addresses >= 30 and addresses_right / addresses >= 0.9
