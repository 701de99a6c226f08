"""Per-field precision/recall of addresses, parcels' places and their resolved units on generated letters,
for letters written before 1 July 2025 and since, separately (issue 18; docs/extraction.md).

    .venv/bin/python bench/places_eras.py --seed 11 --n 600

The corpus is `corpus.content.generate_docs(n, seed)`, letters only (kind petition), read from their text (no
OCR) by `classify.analyse`. Truth: the generator's (`GeneratedDoc.parties`, `.parcels`, and for letters since
July 2025 `.places`); for older letters the new commune is the official conversion (`classify.gazetteer
.converts_to`) of the old commune the generator wrote (a split commune has no single new commune: the truth is
"split"). Never run this on the blind evaluation seed (tests/test_eval_regression.py).

Fields, per matched item (parties by name, parcels by number and sheet); an unmatched truth item counts a
miss for each of its fields, an unmatched prediction a false value for each of its:
- address: the address string as written;
- address new commune / address old commune+district: the place resolved from the predicted address;
- parcel commune / district / province: the fields extraction fills (a district predicted where the letter
  names none — every letter since July 2025 — is a false value);
- parcel new commune: the parcel's resolved new unit ("split" when flagged split).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict

from classify import analyse
from classify.gazetteer import converts_to, old_units
from corpus.content import NEW_FAMILIES, generate_docs

SKIP = "?"  # the generator's old gazetteer names a unit the official data lacks (phường Đông Xuyên): not scored
_OLD_ADDR = re.compile(r"(xã|phường|thị trấn) ([^,]+), (huyện|thị xã|thành phố) ([^,]+), tỉnh (An Giang|Kiên Giang)")


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.skipped = 0

    def add(self, truth, predicted) -> None:
        if truth == SKIP:
            self.skipped += 1
            return
        if truth is not None and predicted is not None and truth == predicted:
            self.tp += 1
            return
        if predicted is not None:
            self.fp += 1
        if truth is not None:
            self.fn += 1

    def row(self) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")
        return f"{100 * p:5.1f} % | {100 * r:5.1f} % | {self.tp} | {self.fp} | {self.fn} | {self.skipped}"


def _new_of_old(commune: str, district: str, province: str) -> tuple[str | None, tuple | None]:
    """(new commune or 'split', old key) by the official conversion of an old unit written in full."""
    for o in old_units():
        if o.commune == commune and o.district == district and o.province == province:
            news = converts_to(o)
            return (news[0].commune if len(news) == 1 else "split"), (o.commune, o.district)
    return SKIP, SKIP


def _truth_address_units(doc, address: str) -> tuple[str | None, tuple | None]:
    if doc.family in NEW_FAMILIES:
        e = next(p for p in doc.places if p["kind"] == "address" and p["written"] == address)
        old = (e["old"]["commune"], e["old"]["district"]) if e["old"] else None
        return ("split" if e["split"] else e["new_commune"]), old
    m = _OLD_ADDR.search(address)
    return _new_of_old(m.group(2), m.group(4), m.group(5)) if m else (None, None)


def _new(place) -> str | None:
    if place is None:
        return None
    if place.status == "split":
        return "split"
    return place.new.commune if place.new else None


def _old(place) -> tuple | None:
    return (place.old.commune, place.old.district) if place is not None and place.old and place.old.district \
        else None


def measure(seed: int, n: int) -> dict[str, dict[str, Score]]:
    scores: dict[str, dict[str, Score]] = {"before": defaultdict(Score), "since": defaultdict(Score)}
    counts = {"before": 0, "since": 0}
    for doc in generate_docs(n, seed):
        if doc.kind != "petition":
            continue
        era = "since" if doc.family in NEW_FAMILIES else "before"
        counts[era] += 1
        s = scores[era]
        a = analyse("\n".join(line.text for line in doc.lines))
        got_parties = {p.name: p for p in a.parties if p.address}
        truth_parties = {p["name"]: p for p in doc.parties if p["address"]}
        for name in truth_parties.keys() | got_parties.keys():
            t, g = truth_parties.get(name), got_parties.get(name)
            t_new, t_old = _truth_address_units(doc, t["address"]) if t else (None, None)
            s["address"].add(t["address"] if t else None, g.address if g else None)
            s["address new commune"].add(t_new, _new(g.place) if g else None)
            s["address old commune+district"].add(t_old, _old(g.place) if g else None)
        got_parcels = {(p.parcel_no, p.map_sheet): p for p in a.parcels}
        truth_parcels = {(p["parcel_no"], p["map_sheet"]): p for p in doc.parcels}
        for key in truth_parcels.keys() | got_parcels.keys():
            t, g = truth_parcels.get(key), got_parcels.get(key)
            for field in ("commune", "district", "province"):
                s[f"parcel {field}"].add(t[field] if t else None, getattr(g, field) if g else None)
            if t is None:
                t_new = None
            elif era == "since":
                t_new = t["commune"]
            elif t["commune"] and t["district"]:
                t_new = _new_of_old(t["commune"], t["district"], t["province"] or "An Giang")[0]
            else:
                t_new = None  # an older letter naming the commune without its district: no unique truth
            s["parcel new commune"].add(t_new, _new(g.place) if g else None)
    print(f"seed {seed}, {n} documents: {counts['before']} letters before 1 July 2025, {counts['since']} since")
    return scores


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--n", type=int, default=600)
    args = ap.parse_args()
    if args.seed == 20261207:
        raise SystemExit("20261207 is the blind evaluation seed: measure on a development seed")
    scores = measure(args.seed, args.n)
    print("| field | era | precision | recall | tp | fp | fn | not scored |\n|---|---|---|---|---|---|---|---|")
    for field in ("address", "address new commune", "address old commune+district", "parcel commune",
                  "parcel district", "parcel province", "parcel new commune"):
        for era in ("before", "since"):
            print(f"| {field} | {era} | {scores[era][field].row()} |")


if __name__ == "__main__":
    main()
