"""A generated register of incoming letters with planted duplicates and near-misses, for measuring the duplicate
proposer (`records.register.duplicates`; numbers in docs/register.md).

Text level only (no rendering): each letter is `corpus.content` text passed through `ocr_slips`, a model of what
OCR does to a scan (tone marks dropped or changed — Tesseract's commonest slip on Vietnamese —, look-alike
characters, lost or split spaces, a lost line), and the fields the register holds (senders, parcels, contested
decisions, accused people, addressee) are the letter's ground truth passed through the same slips.

Planted, each with its matter as ground truth:
- ``rescan``   — the same letter registered twice, each copy with its own damage;
- ``copied``   — the same letter addressed to another body (Luật Tố cáo 2018 Art. 24), its own damage;
- ``reworded`` — the same sender re-sends about the same matter in new words (new date; half the time the
  address written without its district, as letters written since July 2025 do; the ID often left out);
- ``repeat``   — a reworded letter about a matter already resolved.
Near-misses (a *different* matter, must not be proposed):
- ``village``  — another person of the same hamlet, same type and topic, their own parcel;
- ``person``   — the same person about another parcel or decision (same type).
Everything else is ``base``: one letter per matter.

Usage: ``python -m corpus.register OUT.jsonl --n 2000 --seed 5`` (a tool: the package never imports it).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import re
import unicodedata
from pathlib import Path

from corpus.content.letters import ROLE, write_letter
from corpus.content.matter import TYPES, random_matter
from corpus.content.names import random_person
from corpus.content.land import random_parcels
from corpus.content.gazetteer import random_place
from records.register.duplicates import DuplicateIndex, Letter, ParcelRef, Sender, minhash

# share of matters that get each plant (the rest are plain); near-misses are extra matters
PLANTS = {"rescan": 0.06, "copied": 0.05, "reworded": 0.06, "repeat": 0.04, "village": 0.06, "person": 0.06}

_LOOKALIKE = {
    "l": "1", "1": "l", "I": "l", "O": "0", "0": "O", "o": "0", "e": "c", "c": "e", "n": "u", "u": "n",
    "h": "b", "b": "h", "m": "rn", "ư": "u", "ơ": "o", "ô": "o", "â": "a", "ă": "a", "ê": "e", "đ": "d",
    "Đ": "D", "5": "S", "8": "B", "6": "b", "9": "g",
}
_TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def _change_tone(ch: str, rng: random.Random) -> str:
    parts = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in parts if c not in _TONES)
    if rng.random() < 0.6:
        return unicodedata.normalize("NFC", base)  # tone mark dropped
    return unicodedata.normalize("NFC", base + rng.choice(_TONES))


def ocr_slips(text: str, rng: random.Random, rate: float) -> str:
    """`text` as OCR might read a damaged scan of it: each character slips with probability `rate`."""
    lines = [ln for ln in text.split("\n") if not (len(text) > 400 and rng.random() < rate * 2)]
    out = []
    for ln in lines:
        chars = []
        for ch in ln:
            r = rng.random()
            if r >= rate:
                chars.append(ch)
                continue
            kind = rng.random()
            if kind < 0.45 and ch.isalpha():
                chars.append(_change_tone(ch, rng))
            elif kind < 0.75 and ch in _LOOKALIKE:
                chars.append(_LOOKALIKE[ch])
            elif kind < 0.85 and ch == " ":
                continue  # two words run together
            elif kind < 0.92:
                chars.append(ch + " ")  # a word split
            else:
                continue  # lost
        out.append("".join(chars))
    return unicodedata.normalize("NFC", "\n".join(out))


def _slip_around(text: str, fixed: dict[str, str], rng: random.Random, rate: float) -> str:
    """`ocr_slips` on `text`, except that each key of `fixed` found in it is replaced by its value."""
    keys = sorted((k for k in fixed if k), key=len, reverse=True)
    if not keys:
        return ocr_slips(text, rng, rate)
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    out, pos = [], 0
    for hit in pattern.finditer(text):
        out.append(ocr_slips(text[pos:hit.start()], rng, rate))
        out.append(fixed[hit.group(0)])
        pos = hit.end()
    out.append(ocr_slips(text[pos:], rng, rate))
    return "".join(out)


def _digit_slip(number: str, rng: random.Random, p: float) -> str:
    if not number or rng.random() >= p:
        return number
    i = rng.randrange(len(number))
    if not number[i].isdigit():
        return number
    return number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1:]


_NORMATIVE = ("QH", "NĐ-CP", "TT-", "TTLT", "NQ-", "/L-CTN")


def _entry(doc, m, rng: random.Random, rate: float, *, letter_id: int, matter: int, plant: str,
           received: dt.date, recipient_override: str | None = None) -> dict:
    lines = [ln.text for ln in doc.lines]
    recipient = ""
    for i, t in enumerate(lines):
        if t.startswith("Kính gửi"):
            if recipient_override:
                lines[i] = "Kính gửi: " + recipient_override + "."
            recipient = lines[i].split(":", 1)[-1].strip(" .-")
            break
    role = ROLE[m.type]
    # the register's fields are read from the OCR text: a sender's name, ID and address slip once, and the text
    # shows them as slipped
    slipped: dict[str, str] = {}
    senders = []
    for p in doc.parties:
        for value in (p["name"], p["address"]):
            if value and value not in slipped:
                slipped[value] = ocr_slips(value, rng, rate)
        if p["id_number"] and p["id_number"] not in slipped:
            slipped[p["id_number"]] = _digit_slip(p["id_number"], rng, rate * 3)
        if p["role"] != role:
            continue
        senders.append({"name": slipped[p["name"]],
                        "id_number": slipped[p["id_number"]] if p["id_number"] else None,
                        "address": slipped[p["address"]] if p["address"] else None})
    text = _slip_around("\n".join(lines), slipped, rng, rate)
    parcels = [{"parcel_no": _digit_slip(str(p.get("parcel_no") or ""), rng, rate * 2),
                "map_sheet": str(p.get("map_sheet") or "") or None,
                "commune": ocr_slips(p.get("commune") or "", rng, rate) or None} for p in doc.parcels]
    refs = [r["number"] for r in doc.references if r.get("number") and not any(k in r["number"] for k in _NORMATIVE)]
    subjects = [p["name"] for p in doc.parties if p["role"] == "subject"]
    return {"id": letter_id, "matter": matter, "plant": plant, "received": received.isoformat(),
            "type": m.type, "text": text, "senders": senders, "parcels": parcels, "references": refs,
            "subjects": subjects, "recipient": recipient, "resolved": False}


def _drop_district(address: str) -> str:
    parts = [p for p in address.split(", ") if not p.startswith(("huyện ", "thị xã ", "thành phố "))]
    return ", ".join(parts)


def _other_body(m, rng: random.Random) -> str:
    p = m.place
    return rng.choice([f"Thanh tra tỉnh {p.province}", f"Ban Tiếp công dân tỉnh {p.province}",
                       f"Đoàn Đại biểu Quốc hội tỉnh {p.province}", f"Thanh tra {p.district_full}",
                       f"Văn phòng Tỉnh ủy {p.province}"])


def generate_register(n: int, seed: int, rate: tuple[float, float] = (0.005, 0.03)) -> list[dict]:
    """`n` matters (plus the near-miss matters), their letters in order of receipt, with ground truth."""
    rng = random.Random(seed)
    pending: list[tuple[dt.date, int, dict]] = []  # (received, tiebreak, entry)
    next_id = [0]
    next_matter = [n]

    def add(doc, m, plant: str, matter: int, received: dt.date, **kw) -> dict:
        e = _entry(doc, m, rng, rng.uniform(*rate), letter_id=next_id[0], matter=matter, plant=plant,
                   received=received, **kw)
        pending.append((received, next_id[0], e))
        next_id[0] += 1
        return e

    def later(d: dt.date, lo: int, hi: int) -> dt.date:
        return d + dt.timedelta(days=rng.randint(lo, hi))

    for k in range(n):
        m = random_matter(rng, rng.choice(TYPES), latest=dt.date(2025, 6, 30))
        doc = write_letter(rng, m, f"L{k}")
        received = later(m.date, 1, 20)
        base = add(doc, m, "base", k, received)
        r = rng.random()
        acc = 0.0
        plant = None
        for name, share in PLANTS.items():
            acc += share
            if r < acc:
                plant = name
                break
        if plant == "rescan":
            add(doc, m, "rescan", k, later(received, 0, 60))
        elif plant == "copied":
            add(doc, m, "copied", k, later(received, 0, 10), recipient_override=_other_body(m, rng))
        elif plant in ("reworded", "repeat"):
            m2 = dataclasses.replace(m, date=later(m.date, 30, 400))
            if rng.random() < 0.5:
                m2.petitioners = [dataclasses.replace(p, address=_drop_district(p.address)) for p in m.petitioners]
            doc2 = write_letter(rng, m2, f"L{k}b")
            if plant == "repeat":
                base["resolved"] = True
            add(doc2, m2, plant, k, later(m2.date, 1, 20))
        elif plant == "village":
            home = m.petitioners[0].place
            m2 = random_matter(rng, m.type, n_petitioners=1, latest=dt.date(2025, 6, 30))
            person = random_person(rng, home, ref_year=m2.date.year, exclude=m.names())
            m2.petitioners = [person]
            m2.place = home
            m2.topic = m.topic
            if m2.parcels:
                m2.parcels = random_parcels(rng, home, len(m2.parcels))
            add(write_letter(rng, m2, f"L{k}v"), m2, "village", next_matter[0], later(received, 0, 200))
            next_matter[0] += 1
        elif plant == "person":
            m2 = random_matter(rng, m.type, n_petitioners=1, latest=dt.date(2025, 6, 30))
            m2.petitioners = [m.petitioners[0]]
            m2.representative = None
            if m2.parcels:
                m2.parcels = random_parcels(rng, random_place(rng, district=m.place.district), len(m2.parcels))
            add(write_letter(rng, m2, f"L{k}p"), m2, "person", next_matter[0], later(received, 0, 200))
            next_matter[0] += 1
    pending.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in pending]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args(argv)
    with a.out.open("w", encoding="utf-8") as f:
        for e in generate_register(a.n, a.seed):
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()


def to_letter(e: dict):
    """A register entry as the proposer's `Letter`."""
    return Letter(
        id=e["id"], text=e["text"], recipient=e["recipient"], resolved=e["resolved"],
        senders=[Sender(s["name"], s["id_number"], s["address"]) for s in e["senders"]],
        parcels=[ParcelRef(p["parcel_no"], p["map_sheet"], p["commune"]) for p in e["parcels"]],
        references=list(e["references"]), subjects=list(e["subjects"]),
    )


def evaluate(entries: list[dict]) -> dict:
    """Register the letters in order; each letter's proposals (earlier letters) are compared with the truth.

    Pairs: a proposal (letter, earlier letter) is right when both belong to one matter. Recall counts every
    earlier letter of the same matter; `letter_recall` counts letters with at least one right proposal among
    those that have an earlier letter of their matter (what a clerk needs to join the matter).
    """
    index = DuplicateIndex()
    seen_by_matter: dict[int, list[int]] = {}
    matter_of: dict[int, int] = {}
    tp = fp = fn = 0
    letters_with_earlier = letters_found = 0
    errors: list[dict] = []
    by_plant: dict[str, list[int]] = {}
    for e in entries:
        letter = to_letter(e)
        mh = minhash(letter.text, letter.senders)
        proposed = index.propose(letter, limit=50, mh=mh)
        earlier = set(seen_by_matter.get(e["matter"], []))
        got = {p.letter_id for p in proposed}
        right = got & earlier
        tp += len(right)
        fp += len(got - earlier)
        fn += len(earlier - got)
        if earlier:
            letters_with_earlier += 1
            letters_found += bool(right)
            stats = by_plant.setdefault(e["plant"], [0, 0])
            stats[0] += 1
            stats[1] += bool(right)
        for p in proposed:
            if p.letter_id not in earlier:
                errors.append({"kind": "false", "letter": e["id"], "plant": e["plant"], "other": p.letter_id,
                               "score": p.score, "reasons": p.reasons, "content": p.content})
        for other in earlier - got:
            errors.append({"kind": "missed", "letter": e["id"], "plant": e["plant"], "other": other})
        index.add(letter, mh)
        seen_by_matter.setdefault(e["matter"], []).append(e["id"])
        matter_of[e["id"]] = e["matter"]
    near = {}
    for e in entries:
        if e["plant"] in ("village", "person"):
            near[e["plant"]] = near.get(e["plant"], 0) + 1
    fp_by_plant: dict[str, int] = {}
    for err in errors:
        if err["kind"] == "false":
            fp_by_plant[err["plant"]] = fp_by_plant.get(err["plant"], 0) + 1
    return {
        "letters": len(entries), "proposed": tp + fp, "right": tp, "wrong": fp, "missed": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "letter_recall": letters_found / letters_with_earlier if letters_with_earlier else 1.0,
        "found_by_plant": by_plant, "near_misses": near, "wrong_by_plant": fp_by_plant, "errors": errors,
    }
