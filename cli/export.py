"""`donthu export document ID|dossier ID --out DIR [--as USER]`: a searchable PDF/A-2b and its archival metadata
JSON beside it (`ingest.archive`), named by dossier code and document order (`HS00003.002.pdf`,
`HS00003.002.json`; a dossier: `HS00003.pdf`).

The command line reads as the other reading commands do (`cli.accounts.cli_reader`): without clearance by
default, so a denunciation comes out as the redacted copy (Luật Tố cáo 2018 Art. 8(3)); with `--cleared` in
full (audited); or with `--as USER` as that account would (its role, unit, clearance; a restricted dossier is
refused). Every export is written to the audit trail as done by `cli:<the system user>` (and for whom)."""

from __future__ import annotations

import sys
from pathlib import Path

from donthu.config import Settings


def cmd_export(args, settings: Settings) -> int:
    from cli.accounts import _actor, cli_reader
    from ingest.archive import export_document, export_dossier, metadata_json
    from records import accounts, audit
    from donthu.access import NotAllowed
    from records.pdfa import PdfaError
    from records.read import reader_for
    from records.store import Store

    store = Store(settings)
    try:
        if not args.as_user:
            reader = cli_reader(args, settings, f"{args.what} {args.id} archive.pdf")
        else:
            user = accounts.get_user(store, args.as_user)
            if user is None or not user.active:
                print(f"no active user {args.as_user}", file=sys.stderr)
                return 2
            reader = reader_for(user.principal)
        target = f"{args.what} {args.id} archive.pdf" + (f" for {reader.name}" if args.as_user else "")
        try:
            export = (export_document if args.what == "document" else export_dossier)(
                store, args.id, reader, settings)
        except LookupError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        except NotAllowed as exc:
            audit.append(store, username=_actor(), client="cli", action="export", target=target, result="denied")
            print(f"refused: {exc}", file=sys.stderr)
            return 3
        except PdfaError as exc:
            audit.append(store, username=_actor(), client="cli", action="export", target=target, result="failed")
            print(f"not written: {exc}", file=sys.stderr)
            return 1
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        pdf, meta = out / f"{export.name}.pdf", out / f"{export.name}.json"
        pdf.write_bytes(export.pdf)
        meta.write_bytes(metadata_json(export))
        audit.append(store, username=_actor(), client="cli", action="export",
                     target=target + (" (redacted)" if export.redacted else ""))
    finally:
        store.close()
    print(f"wrote {pdf} ({len(export.pdf)} bytes, {export.pages} page(s), PDF/A-2b {export.verdict} by "
          f"{export.validator}{', redacted copy' if export.redacted else ''}) and {meta}")
    return 0


def add_commands(sub) -> None:
    """Register `export` on the `donthu` sub-command parser."""
    p = sub.add_parser("export", help="a document or dossier as searchable PDF/A-2b with its archival metadata")
    p.add_argument("what", choices=("document", "dossier"))
    p.add_argument("id", type=int)
    p.add_argument("--out", required=True, help="folder to write the .pdf and .json into")
    p.add_argument("--as", dest="as_user", help="export as this user would (role, unit, clearance)")
    p.add_argument("--cleared", action="store_true",
                   help="export a denunciation with the denouncer's identity (not the redacted copy; audited)")
    p.set_defaults(func=cmd_export)
