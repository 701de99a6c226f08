"""Milliseconds per page of each understanding component (classify.analyse), on OCR output, one core.

    python bench/understanding_speed.py REPORT.json [--repeat 3]

REPORT.json is a `donthu eval --json` report: its OCR page texts are analysed one page at a time (a page is
what a worker has when the last page of a one-page letter comes in; multi-page documents are analysed whole
in the pipeline, which costs about the sum of their pages). Prints mean, p95 and max per component and for
the whole `analyse`, after one warm-up pass (the pipeline and the textcat are loaded once per process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify import analyse  # noqa: E402
from classify.dates import document_date  # noqa: E402
from classify.doctype import decide_type  # noqa: E402
from classify.kind import detect_kind, title_lines  # noqa: E402
from classify.normalize import normalize_text  # noqa: E402
from classify.parcels import extract_parcels  # noqa: E402
from classify.parties import extract_parties  # noqa: E402
from classify.pipeline import evidence_hits, folded_view, get_nlp  # noqa: E402
from classify.references import extract_references  # noqa: E402
from classify.textcat import type_probabilities  # noqa: E402
from corpus.evaluate import EvalReport  # noqa: E402


def components(text: str) -> dict[str, float]:
    """Seconds of each step of `classify.pipeline.analyse`, in its order."""
    out: dict[str, float] = {}

    def timed(name, fn, *args):
        start = time.perf_counter()
        value = fn(*args)
        out[name] = time.perf_counter() - start
        return value

    clean = timed("normalize", normalize_text, text)
    doc = timed("spaCy pipeline (matcher + textcat)", lambda: get_nlp()(folded_view(clean)))
    kind = timed("kind", detect_kind, clean)
    timed("type decision", lambda: decide_type(clean, evidence_hits(doc), title_lines(clean),
                                                type_probabilities(doc), kind))
    timed("parties", extract_parties, clean, "complaint", kind)
    timed("parcels", extract_parcels, clean)
    timed("references", extract_references, clean)
    timed("date", document_date, clean)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--repeat", type=int, default=3, help="passes over all pages (the fastest is kept)")
    args = parser.parse_args(argv)
    report = EvalReport.from_json(args.report)
    pages = [p.text for d in report.documents for p in d.pages if p.text]
    for text in pages[:20]:
        analyse(text)  # warm-up: the pipeline, the textcat and the regexes are built once per process
    best: list[dict[str, float]] | None = None
    whole: list[float] = []
    for _ in range(args.repeat):
        run = [components(t) for t in pages]
        if best is None or sum(map(lambda r: sum(r.values()), run)) < sum(map(lambda r: sum(r.values()), best)):
            best = run
        times = []
        for text in pages:
            start = time.perf_counter()
            analyse(text)
            times.append(time.perf_counter() - start)
        whole = times if not whole or sum(times) < sum(whole) else whole
    words = statistics.mean(len(t.split()) for t in pages)
    print(f"{len(pages)} pages (OCR and text layer) from {args.report}, {words:.0f} words a page on average; fastest of "
          f"{args.repeat} passes, one process\n")
    print("| component | mean ms/page | p95 ms/page | max ms/page |")
    print("|---|---|---|---|")
    rows = [(name, [r[name] for r in best]) for name in best[0]] + [("**analyse (all)**", whole)]
    for name, values in rows:
        values = sorted(values)
        print(f"| {name} | {1000 * statistics.mean(values):.1f} | {1000 * values[int(0.95 * (len(values) - 1))]:.1f} "
              f"| {1000 * values[-1]:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
