"""`donthu stats`: counts of documents by period and by type, kind, land-related, several signers or the
commune since 2025 (records.statistics), printed or exported to CSV / XLSX; counted as a reader without
clearance (a denouncer's place does not count towards a commune) unless `--cleared` (cli.accounts.cli_reader)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from donthu.config import Settings


def cmd_stats(args, settings: Settings) -> int:
    from records.statistics import DIMENSIONS, StatsQuery, count_documents, to_csv, to_xlsx
    from records.store import Store

    by = tuple(d.strip() for d in args.by.split(",") if d.strip())
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        print(f"cannot count by {', '.join(unknown)}; one of: {', '.join(DIMENSIONS)}", file=sys.stderr)
        return 2
    query = StatsQuery(period=args.period, by=by,
                       date_from=date.fromisoformat(args.date_from) if args.date_from else None,
                       date_to=date.fromisoformat(args.date_to) if args.date_to else None)
    from cli.accounts import cli_reader

    reader = cli_reader(args, settings, f"stats by {','.join(by) or 'period'}")
    store = Store(settings)
    try:
        table = count_documents(store, query, reader)
    finally:
        store.close()
    if args.csv:
        Path(args.csv).write_text(to_csv(table), encoding="utf-8")
    if args.xlsx:
        Path(args.xlsx).write_bytes(to_xlsx(table))
    widths = [max(len(str(c)), *(len(str(r[i])) for r in table.rows)) if table.rows else len(str(c))
              for i, c in enumerate(table.columns)]
    print("  ".join(str(c).ljust(w) for c, w in zip(table.columns, widths)))
    for row in table.rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    print(f"total: {table.total} documents")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("stats", help="counts of documents by period and type, kind, land, signers, commune")
    p.add_argument("--period", choices=["year", "quarter", "month", "all"], default="year")
    p.add_argument("--by", default="type", help="comma-separated: type, kind, land, several_signers, new_commune")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="documents dated on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="documents dated on or before")
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    p.add_argument("--xlsx", metavar="FILE", help="also write the table as an XLSX workbook")
    p.add_argument("--cleared", action="store_true",
                   help="count as a reader cleared to see denouncers (their places count; audited)")
    p.set_defaults(func=cmd_stats)
