"""The `donthu` command: ingest, process, search, show, list, serve; the scale-out commands (`cli.scale`);
and the commands of installed tools (the corpus generator, evaluation, training: `corpus.cli`), found through
the `donthu.commands` entry points so that the package never imports its tools.

A command imports what it runs when it runs, so that `donthu --help` and quick commands start fast."""

from __future__ import annotations

import argparse
import json
import re
import sys
from importlib.metadata import entry_points
from pathlib import Path

from cli import accounts, backup, export, places, redact, register, scale, stats
from donthu.config import Settings, load_settings

_MARK = re.compile(r"<mark>(.*?)</mark>")


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _ready_index(settings: Settings):
    """The search index, built from the records first when an embedded one is missing (ingest.indexing.open_index:
    an install upgraded to the tantivy default, a restored data folder), saying so on standard error."""
    from ingest.indexing import open_index

    return open_index(settings, say=_say)


def cmd_ingest(args, settings: Settings) -> int:
    from ingest.batch import ingest_paths

    _ready_index(settings).close()  # the stored documents first: then the new ones are indexed beside them
    report = ingest_paths(args.paths, settings, dossier_per_folder=args.dossier_per_folder,
                          progress=not args.quiet, workers=args.workers, unit=args.unit,
                          as_one=args.as_one)
    pages = report.pages_processed
    rate = pages / report.seconds if report.seconds else 0.0
    print(f"batch {report.batch_id}: {report.count('done')} done, {report.count('skipped')} skipped, "
          f"{report.count('failed')} failed; {pages} pages in {report.seconds:.1f} s ({rate:.2f} pages/s)")
    for folder in report.excluded:
        print(f"  skipped  {folder}: the data folder (records, index, originals) is not input")
    for item in report.items:
        if item.outcome == "skipped":
            print(f"  skipped  {item.file}: {item.error}")
    for item in report.failed:
        print(f"  FAILED   {item.file}: {item.error}")
    if report.interrupted:
        print("interrupted: run the same command again to finish what is missing")
        return 130
    return 1 if report.failed else 0


def cmd_process(args, settings: Settings) -> int:
    from ingest.pipeline import process_bytes

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 2
    result = process_bytes(data, str(path), settings)
    if args.json:
        _print_json(result.record.model_dump(mode="json"))
    else:
        _print_record(result.record)
    return 1 if result.failed else 0


def _print_record(record, doc_id: int | None = None, status: str | None = None) -> None:
    head = f"#{doc_id} " if doc_id is not None else ""
    print(f"{head}{record.file}  [{status or 'processed'}]")
    print(f"  kind {record.kind}, type {record.type} ({record.type_confidence:.2f})"
          + (f", date {record.date}" if record.date else ""))
    if record.type_evidence:
        print("  evidence: " + "; ".join(record.type_evidence))
    for party in record.parties:
        extra = ", ".join(x for x in (party.id_number, party.address) if x)
        print(f"  party    {party.role:<14} {party.name}" + (f" ({extra})" if extra else ""))
    for parcel in record.parcels:
        where = ", ".join(x for x in (parcel.commune, parcel.district, parcel.province) if x)
        area = f", {parcel.area_m2:g} m²" if parcel.area_m2 is not None else ""
        if parcel.area_unit and parcel.area_unit not in ("m²", "ha", "km²"):  # "3 công": its size varies by place
            area = f", {parcel.area_text}" + (f" ({parcel.area_m2:g} m²)" if parcel.area_m2 is not None else "")
        use = f", {parcel.land_use}" if parcel.land_use else ""
        print(f"  parcel   {parcel.parcel_no}/{parcel.map_sheet or '?'}{area}{use}" + (f" — {where}" if where else ""))
    for ref in record.references:
        print(f"  ref      {ref.number}" + (f" ({ref.date})" if ref.date else ""))
    for page in record.pages:
        conf = f"{page.confidence:.1f}" if page.confidence is not None else "-"
        print(f"  page {page.number}: {page.source}, confidence {conf}, {len(page.text.split())} words")
    for error in record.errors:
        print(f"  error    {error}")


def cmd_show(args, settings: Settings) -> int:
    from records.read import read_document
    from records.store import Store

    info = read_document(Store(settings), args.id, accounts.cli_reader(args, settings, f"document {args.id}"))
    if info is None:
        print(f"no document {args.id}", file=sys.stderr)
        return 1
    if args.json:
        _print_json({"id": info.id, "status": info.status, "error": info.error,
                     "record": info.record.model_dump(mode="json") if info.record else None})
    elif info.record is not None:
        _print_record(info.record, info.id, info.status)
    else:
        print(f"#{info.id} {info.file}  [{info.status}]" + (f": {info.error}" if info.error else ""))
    return 0


def _summary_row(info) -> list[str]:
    rec = info.record
    if rec is None:
        return [str(info.id), Path(info.file).name, info.status, info.error or "", "", "", "", ""]
    confs = [p.confidence for p in rec.pages if p.confidence is not None]
    parties = "; ".join(f"{p.name} ({p.role})" for p in rec.parties[:3]) + (" …" if len(rec.parties) > 3 else "")
    parcels = "; ".join(f"{p.parcel_no}/{p.map_sheet or '?'}" for p in rec.parcels[:3]) + (" …" if len(rec.parcels) > 3 else "")
    return [str(info.id), Path(info.file).name, rec.kind, rec.type, parties, parcels, str(len(rec.pages)),
            f"{sum(confs) / len(confs):.1f}" if confs else "text"]


def cmd_list(args, settings: Settings) -> int:
    from records.read import list_documents
    from records.store import Store

    infos = list_documents(Store(settings), accounts.cli_reader(args, settings, "list"), status=args.status,
                           limit=args.limit, with_records=True)
    if args.json:
        _print_json([{"id": i.id, "file": i.file, "status": i.status, "error": i.error} for i in infos])
        return 0
    rows = [["id", "file", "kind", "type", "parties", "parcels", "pages", "OCR conf"]]
    rows += [_summary_row(i) for i in infos]
    widths = [min(48, max(len(r[c]) for r in rows)) for c in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell[:w].ljust(w) for cell, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    return 0


def cmd_search(args, settings: Settings) -> int:
    from search.backend import SearchQuery

    if args.year_from and args.year_to and args.year_from > args.year_to:
        print("--from must not be after --to", file=sys.stderr)
        return 2
    reader = accounts.cli_reader(args, settings, "search")
    query = SearchQuery(text=args.query or "", type=args.type, kind=args.kind, commune=args.commune,
                        district=args.district, parcel=args.parcel, year_from=args.year_from,
                        year_to=args.year_to, limit=args.limit, offset=args.offset,
                        cleared=reader.principal is None)
    index = _ready_index(settings)
    try:
        results = index.search(query)
    finally:
        index.close()
    if args.json:
        from dataclasses import asdict

        _print_json(asdict(results))
        return 0
    print(f"about {results.total} documents" if results.approximate else f"{results.total} documents")
    tty = sys.stdout.isatty()
    for rank, hit in enumerate(results.hits, start=args.offset + 1):
        snippet = _MARK.sub(lambda m: f"\033[1;33m{m[1]}\033[0m" if tty else f"[{m[1]}]", hit.snippet)
        print(f"{rank:>3}. #{hit.doc_id} {hit.file}  page {hit.page}  {hit.type}/{hit.kind}"
              + (f"  {hit.date}" if hit.date else "") + f"  score {hit.score:.3g}")
        print(f"     {snippet}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    import uvicorn

    from api.app import create_app

    _ready_index(settings).close()  # a missing embedded index is built before the first search, not during it
    uvicorn.run(create_app(settings), host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="donthu", description=__doc__)
    parser.add_argument("--data-dir", help="where records, originals and the index live (env DONTHU_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="ingest files and folders (recursively); resumable")
    p.add_argument("paths", nargs="+")
    p.add_argument("--dossier-per-folder", action="store_true", help="group each folder's files into one dossier (hồ sơ)")
    p.add_argument("--workers", type=int, help="worker processes (default: DONTHU_WORKERS or all cores)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--as-one", action="store_true", help="the files given are the photos of one letter: one "
                   "document, one page per photo, in the order given")
    p.add_argument("--unit", default="", help="the unit the new documents belong to (e.g. an-giang/long-xuyen; "
                   "default: the root, seen only by province-level staff)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("process", help="run the whole pipeline on one file, store nothing")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("search", help="full-text search with filters")
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--type", choices=["complaint", "denunciation", "recommendation", "land_dispute", "unknown"])
    p.add_argument("--kind", choices=["petition", "decision", "conclusion", "notice", "minutes", "other"])
    p.add_argument("--commune")
    p.add_argument("--district")
    p.add_argument("--parcel", help="NO/SHEET, e.g. 45/12 (or NO alone)")
    p.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
    p.add_argument("--to", dest="year_to", type=int, metavar="YEAR")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--cleared", action="store_true",
                   help="show a denouncer's identity (masked by default; written to the audit trail)")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("show", help="one stored record")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--cleared", action="store_true",
                   help="show a denouncer's identity (masked by default; written to the audit trail)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("list", help="stored documents as a table")
    p.add_argument("--status", choices=["queued", "processing", "done", "failed"])
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.add_argument("--cleared", action="store_true",
                   help="show a denouncer's identity (masked by default; written to the audit trail)")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("serve", help="the FastAPI service with its local worker pool")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    scale.add_commands(sub)  # worker, submit, db upgrade, reindex
    backup.add_commands(sub)  # backup, verify-backup, restore
    stats.add_commands(sub)  # stats
    places.add_commands(sub)  # place (issue 18)
    register.add_commands(sub)  # the register of letters (issue 17)
    accounts.add_commands(sub)  # user, token, audit
    redact.add_commands(sub)  # redact (records.redaction: the redacted copy of a denunciation)
    export.add_commands(sub)  # export (ingest.archive: searchable PDF/A and archival metadata)
    for entry in entry_points(group="donthu.commands"):  # installed tools: corpus, eval, train-type
        entry.load()(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    if args.data_dir:
        settings = settings.with_data_dir(args.data_dir)
    settings = settings.with_data_dir(settings.data_dir.resolve())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return args.func(args, settings)


if __name__ == "__main__":
    sys.exit(main())
