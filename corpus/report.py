"""Human-readable tables (Markdown, also fine as plain text) of an EvalReport; docs/quality.md uses them."""

from __future__ import annotations

from typing import Sequence

from corpus.evaluate import EvalReport, OcrRow, Summary
from corpus.metrics import Accuracy, ClassScores, Counts, ErrorTally, relative_reduction


def _pct(value: float | None, digits: int = 2) -> str:
    if value is None or value != value or value == float("inf"):
        return "–"
    return f"{100 * value:.{digits}f} %"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _acc(accuracy: Accuracy) -> str:
    return f"{_pct(accuracy.rate, 1)} ({accuracy.correct}/{accuracy.total})"


def _prf_row(name: str, counts: Counts) -> list[object]:
    s = counts.scores
    return [name, _pct(s.precision, 1), _pct(s.recall, 1), _pct(s.f1, 1), counts.tp, counts.fp, counts.fn]


PRF_HEADER = ["", "precision", "recall", "F1", "tp", "fp", "fn"]


def ocr_table(ocr: dict[str, OcrRow]) -> str:
    rows = []
    for level, row in ocr.items():
        raw_cer = row.raw_chars.rate if row.raw_pages else None
        raw_wer = row.raw_words.rate if row.raw_pages else None
        rows.append([
            level, row.pages, _pct(row.chars.rate), _pct(raw_cer),
            _pct(relative_reduction(raw_cer, row.paired_chars.rate) if row.raw_pages else None, 1),
            _pct(row.words.rate), _pct(raw_wer),
            _pct(relative_reduction(raw_wer, row.paired_words.rate) if row.raw_pages else None, 1),
            _pct(row.bag.rate), _pct(row.raw_bag.rate if row.raw_pages else None),
            row.raw_pages,
        ])
    return _table(["level", "pages", "CER donthu", "CER raw", "CER reduction", "WER donthu",
                   "WER raw", "WER reduction", "order-free WER donthu", "order-free WER raw",
                   "pages with raw"], rows)


def classification_section(scores: ClassScores) -> str:
    head = f"accuracy **{_pct(scores.accuracy, 1)}**, macro-F1 **{_pct(scores.macro_f1, 1)}** (n = {scores.n})"
    if not scores.n:
        return head
    per_label = _table(["label", "precision", "recall", "F1"],
                       [[label, _pct(s.precision, 1), _pct(s.recall, 1), _pct(s.f1, 1)]
                        for label, s in scores.per_label.items()])
    return "\n\n".join([head, per_label, confusion_table(scores.confusion)])


def confusion_table(confusion: dict[str, dict[str, int]]) -> str:
    columns = list(next(iter(confusion.values())).keys()) if confusion else []
    rows = [[f"**{truth}**", *(counts.get(c, 0) or "·" for c in columns)] for truth, counts in confusion.items()]
    return _table(["truth \\ predicted", *columns], rows)


def format_summary(summary: Summary) -> str:
    parts: list[str] = []
    parts.append("## OCR: character / word error rate per degradation level\n\n"
                 "raw: `tesseract -l vie` without clean-up on the same page images; reduction: relative to raw, "
                 "on the same pages. Each page is scored against the closer of its two valid reading orders "
                 "(two-column blocks column by column, or row by row). Order-free WER ignores reading order "
                 "altogether (word multisets), so WER minus order-free WER is what layout/order costs.\n\n"
                 + ocr_table(summary.ocr))
    parts.append("## Type (what the matter is)\n\n" + classification_section(summary.types))
    parts.append("## Type of letters whose title does not name it (ĐƠN, ĐƠN TRÌNH BÀY…)\n\n"
                 + classification_section(summary.types_neutral_title))
    parts.append("## Kind\n\n" + classification_section(summary.kinds))
    p = summary.parties
    parts.append("## Parties\n\n" + _table(PRF_HEADER, [
        _prf_row("name (folded)", p.name), _prf_row("name exactly as written", p.exact_name),
        _prf_row("name + role", p.name_role), _prf_row("address, among name matches", p.address_slots),
    ]) + f"\n\nAmong name matches: id number {_acc(p.id_number)}, address {_acc(p.address)}.")
    c = summary.parcels
    parts.append("## Parcels\n\n" + _table(PRF_HEADER, [_prf_row("(parcel_no, map_sheet)", c.key)])
                 + "\n\nPer-field accuracy among matched parcels:\n\n"
                 + _table(["field", "accuracy"], [[name, _acc(acc)] for name, acc in c.fields.items()])
                 + "\n\nPer field among matched parcels, as slots (a value given and right / given / true):\n\n"
                 + _table(PRF_HEADER, [_prf_row(name, counts) for name, counts in c.slots.items()]))
    r = summary.references
    parts.append("## References\n\n" + _table(PRF_HEADER, [_prf_row("number", r.number)])
                 + f"\n\nDate among matched references: {_acc(r.date)}. Document's own date: {_acc(summary.date)}.")
    s = summary.speed
    speed = _table(["", "value"], [
        ["documents", s.documents], ["pages", s.pages], ["documents failed", f"{s.failed} ({s.crashed} crashed)"],
        ["workers", s.workers], ["wall time (s)", _num(s.wall_seconds, 1)],
        ["pages/s (wall, baseline included if run)", _num(s.pages_per_second_wall, 2)],
        ["pages/s (pipeline only, all workers)", _num(s.pages_per_second_pipeline, 2)],
    ])
    stages = _table(["stage", "mean s/page"], [[k, _num(v)] for k, v in s.stage_seconds_per_page.items()])
    steps = _table(["OCR step", "mean s/OCR page"], [[k, _num(v)] for k, v in s.step_seconds_per_page.items()])
    parts.append("## Speed\n\n" + speed + "\n\n" + stages + ("\n\n" + steps if s.step_seconds_per_page else ""))
    return "\n\n".join(parts) + "\n"


def failures_section(report: EvalReport, limit: int = 20) -> str:
    bad = [d for d in report.documents if d.unsuccessful]
    if not bad:
        return ""
    lines = [f"## Failed documents ({len(bad)})", ""]
    for doc in bad[:limit]:
        reason = (doc.error or "; ".join(doc.record_errors) or "no page could be read").splitlines()[0]
        lines.append(f"- `{doc.file}` ({doc.level}): {reason}")
    if len(bad) > limit:
        lines.append(f"- … and {len(bad) - limit} more")
    return "\n".join(lines) + "\n"


def details_section(report: EvalReport) -> str:
    """Per document: OCR CER, and every wrong kind/type/date/entity (for error analysis, not for docs)."""
    lines = ["## Per-document mistakes", ""]
    for doc in report.documents:
        chars = sum((p.chars for p in doc.pages), ErrorTally())
        raw = [p.raw_chars for p in doc.pages if p.raw_chars is not None]
        raw_rate = sum(raw, ErrorTally()).rate if raw else None
        problems = []
        if doc.kind_pred != doc.kind_true:
            problems.append(f"kind {doc.kind_true} → {doc.kind_pred}")
        if doc.type_pred != doc.type_true:
            problems.append(f"type {doc.type_true} → {doc.type_pred}")
        if doc.date_true and doc.date_pred != doc.date_true:
            problems.append(f"date {doc.date_true} → {doc.date_pred}")
        for what, items in doc.mistakes.items():
            problems.append(f"{what}: " + "; ".join(items))
        status = " **CRASHED**" if doc.error else (" **FAILED**" if doc.failed else "")
        lines.append(f"- `{doc.file}` {doc.family}, {doc.level}, CER {_pct(chars.rate)} (raw {_pct(raw_rate)})"
                     f"{status}" + ("" if problems else ": all right"))
        lines += [f"    - {p}" for p in problems]
    return "\n".join(lines) + "\n"


def format_report(report: EvalReport, *, details: bool = False) -> str:
    summary = report.summary()
    head = (f"# donthu evaluation\n\ncorpus `{report.corpus_dir}`: {summary.speed.documents} documents, "
            f"{summary.speed.pages} pages; raw baseline {'on' if report.baseline else 'off'}.\n")
    text = head + "\n" + format_summary(summary)
    failures = failures_section(report)
    if failures:
        text += "\n" + failures
    if details:
        text += "\n" + details_section(report)
    return text




def main(argv: list[str] | None = None) -> int:
    """`python -m corpus.report EVAL.json [--details] [--rescore [CORPUS_DIR]]`: the tables again from a saved
    `donthu eval --json` (re-scored without OCR with --rescore)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m corpus.report", description=main.__doc__)
    parser.add_argument("json_file")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--rescore", metavar="CORPUS_DIR", nargs="?", const="", default=None,
                        help="score the saved texts again against the manifest (default: the report's corpus)")
    args = parser.parse_args(argv)
    report = EvalReport.from_json(args.json_file)
    if args.rescore is not None:
        from corpus.evaluate import rescore

        report = rescore(report, args.rescore or None)
    print(format_report(report, details=args.details))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
