"""Generated letters written since 1 July 2025 (corpus.content.letters_2025): a quarter of the letters of a
default corpus; addresses and parcels name the new commune and the province (no district), from the land of
both old provinces, some addresses copied from an identity card of before (old commune, district, province);
the understanding pipeline reads their places as the units of the generator's truth (`GeneratedDoc.places`)."""

from __future__ import annotations

import random
import re

from classify import analyse
from classify.gazetteer import merged_into, new_units
from corpus.content import FAMILIES, NEW_FAMILIES, generate_doc, generate_docs

DISTRICT_WORDS = re.compile(r"\b(huyện|thị xã|thành phố|quận)\b", re.I)


def _docs(n: int = 40):
    rng = random.Random(2025)
    return [generate_doc(rng, NEW_FAMILIES[i % 4], f"n{i}") for i in range(n)]


def test_a_quarter_of_the_letters_are_written_since_july_2025():
    letters = [f for f in FAMILIES if f.endswith(("_letter", "_letter_2025"))]
    assert set(NEW_FAMILIES) <= set(letters)
    share = sum(FAMILIES[f] for f in NEW_FAMILIES) / sum(FAMILIES[f] for f in letters)
    assert share == 0.25
    docs = [d for d in generate_docs(600, 12) if d.kind == "petition"]
    new = [d for d in docs if d.family in NEW_FAMILIES]
    assert 0.18 <= len(new) / len(docs) <= 0.32, (len(new), len(docs))
    assert all(d.date >= "2025-07-01" for d in new)
    assert all(d.date < "2025-07-01" for d in docs if d.family not in NEW_FAMILIES)


def test_post_2025_letters_have_new_addresses_without_district():
    docs = _docs()
    units = {u.commune: u for u in new_units()}
    provinces, old_written = set(), 0
    for d in docs:
        assert d.date >= "2025-07-01"
        text = "\n".join(line.text for line in d.lines)
        header = "\n".join(line.text for line in d.lines[:8])
        assert not DISTRICT_WORDS.search(header.split("Kính gửi")[0])
        places = {p["written"]: p for p in d.places if p["kind"] == "address"}
        for p in d.parties:
            if p["address"]:
                truth = places[p["address"]]  # every written address has its units in the truth
                if truth["old"] is None:
                    assert not DISTRICT_WORDS.search(p["address"]), p["address"]
                    assert p["address"].endswith("An Giang")
                    assert truth["new_commune"] in p["address"]
                else:  # an identity card's address of before: old commune, district, province
                    old_written += 1
                    assert truth["old"]["district"] in p["address"] and truth["old"]["commune"] in p["address"]
        for parcel in d.parcels:
            assert parcel["district"] is None and parcel["province"] in ("An Giang", None)
            assert parcel["commune"] in text
            provinces |= {u.province for u in merged_into(units[parcel["commune"]])}
    assert provinces == {"An Giang", "Kiên Giang"}  # land of both old provinces
    assert old_written >= 1


def test_the_pipeline_reads_them_as_new_units():
    docs = _docs()
    parcels = addresses = parcels_right = addresses_right = 0
    for d in docs:
        a = analyse("\n".join(line.text for line in d.lines))
        predicted = {p.parcel_no: p for p in a.parcels}
        truth_parcels = {p["written"]: p for p in d.places if p["kind"] == "parcel"}
        for truth in d.parcels:
            parcels += 1
            got = predicted.get(truth["parcel_no"])
            want = truth_parcels[f"{truth['parcel_no']}/{truth['map_sheet']}"]
            ok = got and got.place and got.place.new and got.place.new.commune == truth["commune"] == \
                want["new_commune"]
            if ok and got.place.era == "old":  # read through the old unit the letter also names
                ok = want["old"] and got.place.old.commune == want["old"]["commune"] and \
                    got.place.old.district == want["old"]["district"]
            parcels_right += bool(ok)
        truth_places = {p["written"]: p for p in d.places if p["kind"] == "address"}
        truth_addresses = {p["name"]: truth_places[p["address"]] for p in d.parties if p["address"]}
        for p in a.parties:
            if p.name in truth_addresses:
                addresses += 1
                want = truth_addresses[p.name]
                if want["split"]:
                    ok = p.place and p.place.status == "split" and not p.place.new
                else:
                    ok = p.place and p.place.new and p.place.new.commune == want["new_commune"]
                    if want["old"]:
                        ok = ok and p.place.old and p.place.old.commune == want["old"]["commune"] and \
                            p.place.old.district == want["old"]["district"]
                addresses_right += bool(ok)
    print(f"parcels {parcels_right}/{parcels}, addresses {addresses_right}/{addresses}")
    assert parcels >= 25 and parcels_right / parcels >= 0.9
    assert addresses >= 30 and addresses_right / addresses >= 0.9
