"""Dossiers: a letter, an acceptance notice, minutes and a ruling about one matter, later ones citing earlier ones."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content.conclusions import denunciation_conclusion
from corpus.content.dates import after
from corpus.content.letters import write_letter
from corpus.content.matter import random_matter
from corpus.content.minutes import mediation_minutes, working_minutes
from corpus.content.notices import acceptance_notice
from corpus.content.rulings import complaint_ruling, land_dispute_ruling
from corpus.model import GeneratedDoc


def generate_dossier(rng: random.Random, dossier_id: str = "h0", id_prefix: str | None = None) -> list[GeneratedDoc]:
    """4 documents sharing parties, parcels and `dossier_id`, in date order."""
    prefix = id_prefix or dossier_id
    type_ = rng.choice(["complaint", "denunciation", "land_dispute"])
    m = random_matter(rng, type_, latest=dt.date(2024, 6, 30))
    ids = iter(f"{prefix}-{k}" for k in range(10))
    docs: list[GeneratedDoc] = []
    prior: dict = {}
    if type_ == "land_dispute":
        mins, mref = mediation_minutes(rng, m, next(ids), date=m.mediation_date, dossier_id=dossier_id)
        docs.append(mins)
        if mref is not None:
            prior["minutes"] = mref
    docs.append(write_letter(rng, m, next(ids), dossier_id))
    notice, nref = acceptance_notice(rng, m, next(ids), date=after(rng, m.date, 5, 20), dossier_id=dossier_id)
    docs.append(notice)
    prior["notice"] = nref
    if type_ == "land_dispute":
        ruling, _ = land_dispute_ruling(rng, m, next(ids), date=after(rng, nref.date, 30, 90), prior=prior,
                                        dossier_id=dossier_id)
        docs.append(ruling)
        return docs
    mins, mref = working_minutes(rng, m, next(ids), date=after(rng, nref.date, 5, 30), prior=prior,
                                 dossier_id=dossier_id)
    docs.append(mins)
    if mref is not None:
        prior["minutes"] = mref
    d = after(rng, dt.date.fromisoformat(mins.date), 10, 60)
    if type_ == "complaint":
        ruling, _ = complaint_ruling(rng, m, next(ids), date=d, prior=prior, dossier_id=dossier_id)
    else:
        ruling, _ = denunciation_conclusion(rng, m, next(ids), date=d, prior=prior, dossier_id=dossier_id)
    docs.append(ruling)
    return docs
