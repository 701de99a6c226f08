"""Precision of each OCR repair of `classify/`, measured on its own (issue 14).

    python -m corpus.repairs REPORT.json [REPORT.json …] [--exact own:11:400 wordings:1407:300]

For every document of `donthu eval --json` reports, understanding runs on the saved OCR page texts twice:
with all repairs, and with one repair switched off. What only the repaired run finds (a reference number,
a party name, a parcel key or a parcel's area) is that repair's firing; it is right when the ground truth
holds it. What only the unrepaired run finds is a firing too: right when it was a wrong reading (removed),
wrong when it was true (spoiled). A repair that is wrong more than 1 % of the time it fires is not shipped.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

from corpus.evaluate import EvalReport, load_manifest
from corpus.metrics import parcel_key, reference_key


@contextlib.contextmanager
def _switched_off(name: str) -> Iterator[None]:
    import re

    from classify import name_lexicon, normalize

    never = re.compile(r"(?!x)x()()")  # matches nothing; the groups keep the callers' replacements valid
    saved = []

    def patch(obj, attr, value):
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    if name == "reference: slash read as a mark or lost after 'số'":
        patch(normalize, "REF_SLASH_MARK", never)
    elif name == "reference: doubled separator":
        patch(normalize, "REF_DOUBLED_SEPARATOR", never)
    elif name == "reference: '!' for a leading 1":
        patch(normalize, "REF_BANG_ONE", never)
    elif name == "reference: doubled Đ after Q/N/H":
        patch(normalize, "_DOUBLED_D_HEAD", never)
    elif name == "reference: code letter slip (look-alike, doubled, thin glyph, slash stroke)":
        patch(normalize, "_ocr_slip", lambda seg, known: False)
        patch(normalize, "_STROKE", set())
    elif name == "parcel: S for 5 after a parcel or sheet label":
        patch(normalize, "PARCEL_NUMBER_S", never)
    elif name == "name: doubled letter undone":
        patch(name_lexicon, "UNDO_DOUBLING", False)
    elif name == "name: one slipped letter (surname, middle name)":
        patch(name_lexicon, "ONE_SLIP", False)
    elif name == "name: diacritics restored":
        patch(name_lexicon, "RESTORE_DIACRITICS", False)
    else:
        raise ValueError(name)
    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


REPAIRS = (
    "reference: slash read as a mark or lost after 'số'",
    "reference: doubled separator",
    "reference: '!' for a leading 1",
    "reference: doubled Đ after Q/N/H",
    "reference: code letter slip (look-alike, doubled, thin glyph, slash stroke)",
    "parcel: S for 5 after a parcel or sheet label",
    "name: doubled letter undone",
    "name: one slipped letter (surname, middle name)",
    "name: diacritics restored",
)


def _items(analysis) -> set[tuple]:
    out = {("ref", reference_key(r.number)) for r in analysis.references}
    out |= {("name", p.name.casefold()) for p in analysis.parties}
    for p in analysis.parcels:
        out.add(("parcel", parcel_key(p)))
        if p.area_m2 is not None:
            out.add(("area", parcel_key(p), round(p.area_m2, 1)))
    return out


def _truth_items(entry) -> set[tuple]:
    out = {("ref", reference_key(r["number"])) for r in entry.references}
    out |= {("name", p["name"].casefold()) for p in entry.parties}
    for p in entry.parcels:
        out.add(("parcel", parcel_key(p)))
        if p.get("area_m2") is not None:
            out.add(("area", parcel_key(p), round(p["area_m2"], 1)))
    return out


def _generated(spec: str) -> list[tuple[str, set, str]]:
    """`own:11:400` or `wordings:1407:300`: generated documents' exact text (a repair should not fire there)."""
    from corpus.exact import doc_text

    templates, seed, n = spec.split(":")
    if templates == "wordings":
        from corpus.content.wordings import generate_wordings as gen
    else:
        from corpus.content import generate_docs as gen
    out = []
    for d in gen(int(n), int(seed)):
        entry = SimpleNamespace(references=d.references, parties=d.parties, parcels=d.parcels)
        out.append((doc_text(d), _truth_items(entry), d.doc_id))
    return out


def measure(reports: list[Path], generated: list[str] = ()) -> dict[str, tuple[int, int, list[str]]]:
    """repair → (firings, right, examples of wrong firings)."""
    from classify import analyse
    from ingest.pipeline import join_pages

    docs = [x for spec in generated for x in _generated(spec)]
    for path in reports:
        report = EvalReport.from_json(path)
        entries = {e.id: e for e in load_manifest(Path(report.corpus_dir))}
        for doc in report.documents:
            if doc.id in entries and not doc.unsuccessful:
                text = join_pages([p for p in doc.pages if p.source != "missing"])
                docs.append((text, _truth_items(entries[doc.id]), doc.id))
    full = [_items(analyse(text)) for text, _, _ in docs]
    out = {}
    for name in REPAIRS:
        fired = right = 0
        wrong: list[str] = []
        with _switched_off(name):
            for (text, truth, doc_id), with_all in zip(docs, full):
                without = _items(analyse(text))
                for item in with_all - without:
                    fired += 1
                    if item in truth:
                        right += 1
                    else:
                        wrong.append(f"{doc_id}: {item}")
                for item in without - with_all:
                    fired += 1
                    if item in truth:  # a right reading the repair spoiled
                        wrong.append(f"{doc_id}: lost {item}")
                    else:  # a wrong reading the repair removed
                        right += 1
        out[name] = (fired, right, wrong)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", nargs="*", type=Path)
    ap.add_argument("--exact", nargs="*", default=[], help="generated exact texts: own:SEED:N wordings:SEED:N")
    a = ap.parse_args(argv)
    print("| repair | fired | right | precision |")
    print("|---|---|---|---|")
    wrongs = []
    for name, (fired, right, wrong) in measure(a.reports, a.exact).items():
        prec = f"{right / fired:.1%}" if fired else "–"
        print(f"| {name} | {fired} | {right} | {prec} |")
        wrongs += [f"{name}: {w}" for w in wrong]
    for w in wrongs:
        print("wrong:", w)


if __name__ == "__main__":
    main()
