"""`donthu redact ID --out FILE.pdf`: the redacted copy of a stored document (Luật Tố cáo 2018 Art. 56) — page
images with the denouncer's identity, signature and handwriting blacked out, then the masked text
(`records.redaction.redacted_copy`). The command line reads as the system (it runs on the server, by whoever
operates it)."""

from __future__ import annotations

import sys
from pathlib import Path

from donthu.config import Settings
from ingest.pages import page_image
from records.read import SYSTEM, read_document
from records.redaction import redacted_copy
from records.store import Store


def cmd_redact(args, settings: Settings) -> int:
    store = Store(settings)
    try:
        info = read_document(store, args.id)
        if info is None or info.record is None:
            print(f"no processed document {args.id}", file=sys.stderr)
            return 1
        data = store.read_original(info.sha256)
        pdf = redacted_copy(store, args.id, SYSTEM, lambda n: page_image(data, info.mime, n, settings))
    finally:
        store.close()
    out = Path(args.out)
    out.write_bytes(pdf)
    print(f"wrote {out} ({len(pdf)} bytes, {len(info.record.pages)} page(s) and the masked text)")
    return 0


def add_commands(sub) -> None:
    """Register `redact` on the `donthu` sub-command parser."""
    p = sub.add_parser("redact", help="the redacted copy of a document as PDF (for the verification team)")
    p.add_argument("id", type=int, help="document id")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(func=cmd_redact)
