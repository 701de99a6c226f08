"""Content of the generated corpus: Vietnamese petitions, rulings, notices and minutes with exact ground truth.

`generate_docs(n, seed)` is deterministic for a seed; `generate_doc(rng, family)` makes one document;
`generate_dossier(rng)` makes a letter + notice + minutes + ruling about one matter. See docs/corpus.md.
"""

from __future__ import annotations

import random

from corpus.content.conclusions import denunciation_conclusion
from corpus.content.dossiers import generate_dossier
from corpus.content.letters import write_letter
from corpus.content.letters_2025 import NEW_FAMILIES, write_letter_2025
from corpus.content.matter import random_matter
from corpus.content.minutes import mediation_minutes, reception_minutes, working_minutes
from corpus.content.notices import acceptance_notice
from corpus.content.replies import reply_letter, verification_report
from corpus.content.rulings import complaint_ruling, land_dispute_ruling
from corpus.model import GeneratedDoc

# family -> share of single documents
# (letters: 45 %, a quarter of them written since 1 July 2025 — new communes, no district)
FAMILIES: dict[str, float] = {
    "complaint_letter": 8.4375,
    "denunciation_letter": 8.4375,
    "recommendation_letter": 8.4375,
    "land_dispute_letter": 8.4375,
    "complaint_letter_2025": 2.8125,
    "denunciation_letter_2025": 2.8125,
    "recommendation_letter_2025": 2.8125,
    "land_dispute_letter_2025": 2.8125,
    "complaint_ruling_first": 10,
    "complaint_ruling_second": 5,
    "land_dispute_ruling": 10,
    "denunciation_conclusion": 8,
    "acceptance_notice": 10,
    "minutes_reception": 5,
    "minutes_mediation": 4,
    "minutes_working": 3,
    "official_reply": 3,
    "verification_report": 3,
}
DOSSIER_RATE = 0.03  # chance that the next draw is a 4-document dossier


def generate_doc(rng: random.Random, family: str | None = None, doc_id: str = "doc") -> GeneratedDoc:
    """One document of `family` (drawn by FAMILIES' weights when None)."""
    if family is None:
        family = rng.choices(list(FAMILIES), list(FAMILIES.values()))[0]
    if family in NEW_FAMILIES:  # letters since 1 July 2025 (new addresses, no district)
        return write_letter_2025(rng, family[: -len("_letter_2025")], doc_id, family=family)
    if family.endswith("_letter"):
        m = random_matter(rng, family[: -len("_letter")])
        return write_letter(rng, m, doc_id, family=family)
    if family in ("complaint_ruling_first", "complaint_ruling_second"):
        return complaint_ruling(rng, random_matter(rng, "complaint"), doc_id, second=family.endswith("second"))[0]
    if family == "land_dispute_ruling":
        return land_dispute_ruling(rng, random_matter(rng, "land_dispute"), doc_id)[0]
    if family == "denunciation_conclusion":
        return denunciation_conclusion(rng, random_matter(rng, "denunciation"), doc_id)[0]
    if family == "acceptance_notice":
        t = rng.choices(["complaint", "denunciation", "land_dispute", "recommendation"], [35, 30, 25, 10])[0]
        return acceptance_notice(rng, random_matter(rng, t), doc_id)[0]
    if family == "minutes_reception":
        t = rng.choice(["complaint", "denunciation", "recommendation", "land_dispute"])
        return reception_minutes(rng, random_matter(rng, t), doc_id)[0]
    if family == "minutes_mediation":
        return mediation_minutes(rng, random_matter(rng, "land_dispute"), doc_id)[0]
    if family == "minutes_working":
        t = rng.choice(["complaint", "denunciation", "land_dispute"])
        return working_minutes(rng, random_matter(rng, t), doc_id)[0]
    if family == "official_reply":
        return reply_letter(rng, random_matter(rng, rng.choice(["recommendation", "land_dispute"])), doc_id)
    if family == "verification_report":
        return verification_report(rng, random_matter(rng, rng.choice(["complaint", "denunciation", "land_dispute"])),
                                   doc_id)
    raise ValueError(f"unknown family: {family}")


def generate_docs(n: int, seed: int) -> list[GeneratedDoc]:
    """`n` documents, deterministic for `seed`; ids `d{seed}-{i:05d}`, dossiers `h{seed}-{k:04d}`."""
    rng = random.Random(seed)
    docs: list[GeneratedDoc] = []
    k = 0
    while len(docs) < n:
        if n - len(docs) >= 4 and rng.random() < DOSSIER_RATE:
            dossier = generate_dossier(rng, dossier_id=f"h{seed}-{k:04d}")
            k += 1
            for d in dossier:
                d.doc_id = f"d{seed}-{len(docs):05d}"
                docs.append(d)
            continue
        docs.append(generate_doc(rng, doc_id=f"d{seed}-{len(docs):05d}"))
    return docs[:n]


__all__ = ["FAMILIES", "NEW_FAMILIES", "generate_doc", "generate_docs", "generate_dossier"]
