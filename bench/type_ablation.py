"""Type detection: evidence rules alone, the trained textcat alone, and both (what `classify.analyse` does),
on the OCR page texts of a `donthu eval --json` report; with the combined confidence's calibration.

    python bench/type_ablation.py REPORT.json [--corpus DIR]

Prints macro-F1 over all documents and over letters whose title does not name the type, the share sent to a
person (`unknown`), and a reliability table: for each confidence band, how often the decision was right
(a calibrated confidence is right about as often as it says), with the expected calibration error (ECE).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify.doctype import TYPES, decide_type  # noqa: E402
from classify.kind import detect_kind, title_lines  # noqa: E402
from classify.normalize import normalize_text  # noqa: E402
from classify.pipeline import evidence_hits, folded_view, get_nlp  # noqa: E402
from classify.textcat import type_probabilities  # noqa: E402
from corpus.evaluate import EvalReport, load_manifest  # noqa: E402

BANDS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for t in TYPES:
        tp = sum(g == p == t for g, p in zip(gold, pred))
        fp = sum(p == t != g for g, p in zip(gold, pred))
        fn = sum(g == t != p for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return sum(f1s) / len(f1s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--corpus", help="corpus directory (default: the report's)")
    parser.add_argument("--stress", type=int, metavar="WORDS", default=0,
                        help="keep only WORDS words after the title and add 8 %% simulated OCR noise: a harder "
                             "test of the confidence (a torn or half-legible letter)")
    args = parser.parse_args(argv)
    import random

    from corpus.training import ocr_noise

    rng = random.Random(5)
    report = EvalReport.from_json(args.report)
    entries = {e.id: e for e in load_manifest(Path(args.corpus or report.corpus_dir))}
    rows = []  # (gold, neutral_title, rules, textcat, both, both_confidence)
    for doc in report.documents:
        if doc.unsuccessful or doc.id not in entries:
            continue
        text = "\n\n".join(p.text for p in doc.pages if p.source != "missing" and p.text)
        if args.stress:
            lines = text.split("\n")
            head = [ln for ln in lines[:12]]  # headers and title
            body = " ".join(lines[12:]).split()
            start = rng.randrange(0, max(1, len(body) - args.stress))
            text = ocr_noise("\n".join(head) + "\n" + " ".join(body[start:start + args.stress]), rng, 0.08)
        clean = normalize_text(text)
        nlp_doc = get_nlp()(folded_view(clean))
        hits, title, learned = evidence_hits(nlp_doc), title_lines(clean), type_probabilities(nlp_doc)
        kind = detect_kind(clean)
        rules = decide_type(clean, hits, title, kind=kind).type
        textcat = max(learned, key=learned.get)
        both = decide_type(clean, hits, title, learned, kind)  # what classify.analyse decides
        rows.append((doc.type_true, not doc.title_names_type and doc.kind_true == "petition", rules, textcat,
                     both.type, both.confidence))

    print(f"{args.report}: {len(rows)} documents ({sum(r[1] for r in rows)} letters whose title does not "
          "name the type)\n")
    print("| decided by | macro-F1 | macro-F1, neutral titles | accuracy | sent to a person (unknown) | "
          "right among decided |")
    print("|---|---|---|---|---|---|")
    for name, col in (("evidence rules alone", 2), ("textcat alone", 3), ("both (donthu)", 4)):
        gold = [r[0] for r in rows]
        pred = [r[col] for r in rows]
        neutral = [r for r in rows if r[1]]
        acc = sum(g == p for g, p in zip(gold, pred)) / len(rows)
        print(f"| {name} | {100 * macro_f1(gold, pred):.1f} % | "
              f"{100 * macro_f1([r[0] for r in neutral], [r[col] for r in neutral]):.1f} % | {100 * acc:.1f} % | "
              f"{sum(p == 'unknown' for p in pred)} | "
              f"{100 * sum(g == p for g, p in zip(gold, pred)) / max(1, sum(p != 'unknown' for p in pred)):.1f} % |")

    print("\nCalibration of the combined confidence (decisions other than unknown):\n")
    print("| confidence | documents | right | mean confidence |")
    print("|---|---|---|---|")
    decided = [r for r in rows if r[4] != "unknown"]
    ece = 0.0
    for lo, hi in BANDS:
        band = [r for r in decided if lo <= r[5] < hi]
        if not band:
            continue
        right = sum(r[0] == r[4] for r in band) / len(band)
        mean = sum(r[5] for r in band) / len(band)
        ece += len(band) / len(decided) * abs(right - mean)
        print(f"| {lo:.1f}–{min(hi, 1.0):.1f} | {len(band)} | {100 * right:.1f} % | {100 * mean:.1f} % |")
    print(f"\nexpected calibration error: {100 * ece:.1f} points")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
