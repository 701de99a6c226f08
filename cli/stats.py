"""`donthu stats`: the counts of the statistics page and `GET /api/stats` (records.statistics.report — one
function, three outputs): register letters and matters by period and by type, channel, status, decision,
deadline, land, several signers, unit or commune (old or new), and archive documents counted separately;
printed, or exported to CSV / XLSX; `--form` writes the letter-processing report form (records.report_form).
Counted as a reader without clearance (a denouncer's place does not count towards a commune) unless
`--cleared` (cli.accounts.cli_reader, audited)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from donthu.config import Settings


def _print(name: str, table, out=None) -> None:
    from records.statistics import table_title

    out = out or sys.stdout
    print(f"== {table_title(name)}", file=out)
    widths = [max(len(str(c)), *(len(str(r[i])) for r in table.rows)) if table.rows else len(str(c))
              for i, c in enumerate(table.columns)]
    print("  ".join(str(c).ljust(w) for c, w in zip(table.columns, widths)), file=out)
    for row in table.rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)), file=out)


def cmd_stats(args, settings: Settings) -> int:
    from records import report_form
    from records.statistics import StatsQuery, report, report_to_xlsx, table_title, to_csv, to_xlsx
    from records.store import Store

    def day(value):
        return date.fromisoformat(value) if value else None

    def yes_no(value):
        return None if value is None else value == "yes"

    by = tuple(d.strip() for d in args.by.split(",") if d.strip())
    query = StatsQuery(period=args.period, by=by, date_from=day(args.date_from), date_to=day(args.date_to),
                       type=args.type, kind=args.kind, channel=args.channel, status=args.status,
                       decision=args.decision, deadline=args.deadline, land=yes_no(args.land),
                       several_signers=yes_no(args.several_signers), commune=args.commune, era=args.era,
                       unit=args.unit, as_of=day(args.as_of))
    from cli.accounts import cli_reader

    reader = cli_reader(args, settings, f"stats by {','.join(by) or 'period'}")
    store = Store(settings)
    try:
        try:
            result = report(store, query, reader)
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 2
        if args.form:
            end = query.date_to or query.as_of or date.today()
            rows = report_form.fill(store, date_from=query.date_from, date_to=end, unit=args.unit)
            Path(args.form).write_bytes(report_form.to_xlsx(rows, date_from=query.date_from, date_to=end,
                                                            body=args.unit or "toàn tỉnh"))
    finally:
        store.close()
    if args.table and args.table not in result.tables:
        print(f"no table {args.table!r}; one of: {', '.join(result.tables)}", file=sys.stderr)
        return 2
    if args.csv:
        name = args.table or "cross"
        Path(args.csv).write_text(to_csv(result.tables[name]), encoding="utf-8")
    if args.xlsx:
        data = (to_xlsx(result.tables[args.table], table_title(args.table)) if args.table
                else report_to_xlsx(result))
        Path(args.xlsx).write_bytes(data)
    for name in ("cross", "archive") if not args.table else (args.table,):
        _print(name, result.tables[name])
    for note in result.notes:
        print(f"note: {note}")
    print(f"total: {result.letters} letters, {result.matters} matters (register); "
          f"{result.archive} documents (archive, not in the register)")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("stats", help="counts of letters (register) and archive documents, as on the statistics page")
    p.add_argument("--period", choices=["year", "quarter", "month", "all", "custom"], default="year")
    p.add_argument("--by", default="type", help="comma-separated: type, channel, status, decision, deadline, land, "
                                          "several_signers, new_commune, old_commune, unit")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="received / dated on or after")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="received / dated on or before")
    p.add_argument("--type")
    p.add_argument("--kind")
    p.add_argument("--channel", choices=["in_person", "post", "forwarded", "online"])
    p.add_argument("--status", choices=["received", "processing", "decided", "resolved"])
    p.add_argument("--decision", choices=["accept", "forward", "guide", "return", "file", "none"])
    p.add_argument("--deadline", choices=["within", "past"])
    p.add_argument("--land", choices=["yes", "no"])
    p.add_argument("--several-signers", dest="several_signers", choices=["yes", "no"])
    p.add_argument("--commune", help="a commune: new name, or old label with --era old")
    p.add_argument("--era", choices=["new", "old"], default="new")
    p.add_argument("--unit", help="a register unit (an-giang/…)")
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="judge deadlines on this day")
    p.add_argument("--table", help="one table: by_period, by_<dimension>, cross, archive")
    p.add_argument("--csv", metavar="FILE", help="also write a table (--table, default cross) as CSV")
    p.add_argument("--xlsx", metavar="FILE", help="also write the tables (or --table) as an XLSX workbook")
    p.add_argument("--form", metavar="FILE", help="also write the letter-processing report form (XLSX)")
    p.add_argument("--cleared", action="store_true",
                   help="count as a reader cleared to see denouncers (their places count; audited)")
    p.set_defaults(func=cmd_stats)
