"""Understanding on the exact text of generated documents (no rendering, no OCR): the ceiling OCR can reach.

    python -m corpus.exact --templates wordings --n 300 --seed 1407 [--details]

Generates the documents in memory, runs `classify.analyse` on each document's lines joined by newlines and
scores it with `corpus.metrics` as `donthu eval` does: parties (name + role), parcels (parcel, sheet), area
among found parcels, references, type macro-F1, kind, and the share of non-letters (`w_cong_van`,
`w_bao_cao`, `w_to_trinh`, `w_hop_dong`) typed `unknown`. `--details` prints each document's mistakes.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

from corpus.metrics import (
    Accuracy, ClassScores, ParcelMatch, PartyMatch, ReferenceMatch, classification_scores, match_parcels,
    match_parties, match_references, parcel_field_mismatches, parcel_key, party_name_key, reference_key,
    unmatched,
)
from corpus.model import GeneratedDoc
from donthu.schema import KINDS

REAL_TYPES = ("complaint", "denunciation", "recommendation", "land_dispute")
NON_LETTERS = ("w_cong_van", "w_bao_cao", "w_to_trinh", "w_hop_dong")


@dataclass
class ExactReport:
    parties: PartyMatch = field(default_factory=PartyMatch)
    parcels: ParcelMatch = field(default_factory=ParcelMatch)
    references: ReferenceMatch = field(default_factory=ReferenceMatch)
    unknown_other: Accuracy = field(default_factory=Accuracy)
    types: ClassScores | None = None
    kinds: ClassScores | None = None
    ms_per_doc: float = 0.0
    details: list[str] = field(default_factory=list)


def doc_text(doc: GeneratedDoc) -> str:
    return "\n".join(line.text for line in doc.lines)


def score_docs(docs: list[GeneratedDoc], texts: list[str] | None = None, details: bool = False) -> ExactReport:
    """Analyse each document's text (its exact lines unless `texts` is given) and score it against truth."""
    from classify import analyse

    rep = ExactReport()
    type_pairs, kind_pairs = [], []
    spent = 0.0
    for i, doc in enumerate(docs):
        text = texts[i] if texts is not None else doc_text(doc)
        start = time.perf_counter()
        a = analyse(text)
        spent += time.perf_counter() - start
        parties = [p.model_dump() for p in a.parties]
        parcels = [p.model_dump() for p in a.parcels]
        refs = [r.model_dump() for r in a.references]
        rep.parties += match_parties(doc.parties, parties)
        rep.parcels += match_parcels(doc.parcels, parcels)
        rep.references += match_references(doc.references, refs)
        type_pairs.append((doc.type, a.type))
        kind_pairs.append((doc.kind, a.kind))
        if doc.family in NON_LETTERS:
            rep.unknown_other.add(a.type == "unknown")
        if details:
            out = []
            if a.type != doc.type or a.kind != doc.kind:
                out.append(f"type/kind {doc.type}/{doc.kind} -> {a.type}/{a.kind} {a.type_evidence[:3]}")
            fn, fp = unmatched([(party_name_key(p["name"]), p["role"]) for p in doc.parties],
                               [(party_name_key(p["name"]), p["role"]) for p in parties])
            if fn or fp:
                out.append(f"parties missed {fn} extra {fp}")
            for tp_ in doc.parties:
                got = next((x for x in parties if party_name_key(x["name"]) == party_name_key(tp_["name"])), None)
                if got is not None and (tp_.get("address") or None) != (got.get("address") or None):
                    out.append(f"address {tp_['name']}: {tp_.get('address')!r} -> {got.get('address')!r}")
            fn, fp = unmatched(map(parcel_key, doc.parcels), map(parcel_key, parcels))
            if fn or fp:
                out.append(f"parcels missed {fn} extra {fp}")
            for key, name, t, p in parcel_field_mismatches(doc.parcels, parcels):
                if name.startswith("area"):
                    out.append(f"{name} {key}: {t} -> {p}")
            fn, fp = unmatched([reference_key(r["number"]) for r in doc.references],
                               [reference_key(r["number"]) for r in refs])
            if fn or fp:
                out.append(f"refs missed {fn} extra {fp}")
            if out:
                rep.details.append(f"== {doc.doc_id} {doc.family}\n  " + "\n  ".join(out))
    rep.types = classification_scores(type_pairs, REAL_TYPES, extra_columns=("unknown",))
    rep.kinds = classification_scores(kind_pairs, KINDS)
    rep.ms_per_doc = 1000 * spent / max(len(docs), 1)
    return rep


def _prf(c) -> str:
    s = c.scores
    return f"P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} (tp {c.tp} fp {c.fp} fn {c.fn})"


def render(rep: ExactReport) -> str:
    area = rep.parcels.fields["area_m2"]
    lines = [
        f"parties name+role   {_prf(rep.parties.name_role)}",
        f"parties name        {_prf(rep.parties.name)}",
        f"parcels             {_prf(rep.parcels.key)}",
        f"area among found    {area.rate or 0:.3f} ({area.correct}/{area.total})",
        *(f"  {name:<18}{_prf(counts)}" for name, counts in rep.parcels.slots.items()),
        f"party address       {_prf(rep.parties.address_slots)}",
        f"references          {_prf(rep.references.number)}",
        f"type macro-F1       {rep.types.macro_f1 or 0:.3f}  accuracy {rep.types.accuracy or 0:.3f}",
        f"kind accuracy       {rep.kinds.accuracy or 0:.3f}",
        f"non-letters unknown {rep.unknown_other.rate or 0:.3f} ({rep.unknown_other.correct}/{rep.unknown_other.total})",
        f"understanding       {rep.ms_per_doc:.1f} ms a document",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--templates", choices=("own", "wordings"), default="wordings")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args(argv)
    if a.templates == "wordings":
        from corpus.content.wordings import generate_wordings

        docs = generate_wordings(a.n, a.seed)
    else:
        from corpus.content import generate_docs

        docs = generate_docs(a.n, a.seed)
    rep = score_docs(docs, details=a.details)
    if a.details:
        print("\n".join(rep.details))
    print(render(rep))


if __name__ == "__main__":
    main()
