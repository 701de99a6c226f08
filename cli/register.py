"""`donthu register …`: the register of incoming letters (sổ xử lý đơn) from the command line — enter a letter
(from a stored document or a text file), list, show a letter's sheet, judge, decide, resolve (through
`records.register.book.take_step`, as the API and the pages: refused when the letter's state does not allow
it, the officer recorded, audited), answer a duplicate proposal, list what is due this week and overdue, and
recompute the stored deadlines after the working-day calendar changed (`refresh-deadlines`, audited). The
records module is `records.register.book`; this module parses arguments and prints.

The command line is the operator's: it shows senders in full. The pages and API (`api.routes.register`)
read through `records.register.read`, with roles, units and the denouncer's confidentiality.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path


from cli.accounts import _actor
from donthu.access import normalise_unit
from donthu.config import Settings
from records import audit
from records.read import read_document
from records.register import book
from records.store import Store



def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from exc


def _count(value: str, least: int) -> int:
    try:
        n = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from exc
    if n < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more: {n}")
    return n


def _positive(value: str) -> int:
    return _count(value, 1)


def _not_negative(value: str) -> int:
    return _count(value, 0)


def _sender(value: str) -> dict:
    """`NAME|ID|ADDRESS` (ID and address may be empty)."""
    parts = [p.strip() or None for p in value.split("|")] + [None, None]
    if not parts[0]:
        raise argparse.ArgumentTypeError("sender: NAME|ID|ADDRESS")
    return {"name": parts[0], "id_number": parts[1], "address": parts[2]}


def _sheet(e: book.Entry) -> dict:
    d = book.next_deadline(e)
    return {
        "id": e.id, "register_number": e.register_number, "unit": e.unit, "received": e.received.isoformat(),
        "channel": e.channel, "forwarded_by": e.forwarded_by, "type": e.type, "senders": e.senders,
        "sender_count": e.sender_count, "summary": e.summary, "recipient": e.recipient, "status": e.status,
        "processable": e.processable, "unprocessable_reason": e.unprocessable_reason, "decision": e.decision,
        "decision_date": e.decision_date.isoformat() if e.decision_date else None, "decision_to": e.decision_to,
        "officer": e.officer, "matter_id": e.matter_id, "document_id": e.document_id,
        "next_deadline": {"due": d.due.isoformat(), "what": d.limit.label, "article": d.article} if d else None,
    }


def _print_proposals(proposals) -> None:
    for p in proposals:
        print(f"  possibly the same matter as letter {p.letter_id} (score {p.score:.2f}): {'; '.join(p.reasons)}")


def _step(engine, args) -> book.Entry:
    """judge / decide / resolve through `book.take_step` (the same as the API and the pages): the state must
    allow it, `--officer` is recorded on a letter that has none, the step is audited (client "cli")."""
    actor = book.Actor(args.who, client="cli", officer=args.officer)
    if args.register_command == "judge":
        return book.take_step(engine, args.id, "judge", actor=actor, processable=args.reason is None,
                              reason=args.reason)
    if args.register_command == "decide":
        return book.take_step(engine, args.id, "decide", actor=actor, on=args.on, decision=args.decision,
                              to=args.to, documents=args.document_issued or [], complex_case=args.complex,
                              remote=args.remote)
    return book.take_step(engine, args.id, "resolve", actor=actor, on=args.on)


def cmd_register(args, settings: Settings) -> int:
    store = Store(settings)
    engine = store.engine
    try:
        if args.register_command == "add":
            kw = dict(unit=args.unit, received=args.received, channel=args.channel, who=args.who,
                      officer=args.officer, forwarded_by=args.forwarded_by, forwarded_number=args.forwarded_number,
                      forwarded_date=args.forwarded_date)
            if args.document:
                info = read_document(store, args.document)
                if info is None or info.record is None:
                    print(f"document {args.document} is not stored or not processed yet", file=sys.stderr)
                    return 1
                entry, proposals = book.register_record(engine, info.record, document_id=args.document, **kw)
            else:
                senders = args.sender or []
                entry, proposals = book.register(
                    engine, type=args.type, text=Path(args.text_file).read_text(encoding="utf-8"),
                    senders=senders, summary=args.summary or "", **kw)
            print(f"registered letter {entry.id} as number {entry.register_number} of {entry.unit}")
            _print_proposals(proposals)
        elif args.register_command == "list":
            total, rows = book.page(engine, limit=args.limit, offset=args.offset, unit=args.unit, year=args.year,
                                    status=args.status)
            if args.json:
                print(json.dumps([_sheet(e) for e in rows], ensure_ascii=False, indent=1))
                print(f"{total} letters", file=sys.stderr)  # stdout stays one JSON list
            else:
                for e in rows:
                    d = book.next_deadline(e)
                    names = ", ".join(s.get("name") or "" for s in e.senders)
                    print(f"{e.id:>6}  {e.register_number:>9}  {e.received}  {e.type:<14} {e.status:<10} "
                          f"{(d.due.isoformat() if d else ''):<10}  {names[:40]}")
                shown = f"{args.offset + 1}-{args.offset + len(rows)}" if rows else "none"
                print(f"{total} letters; shown {shown}")
        elif args.register_command == "show":
            e = book.get(engine, args.id)
            sheet = _sheet(e) | {"history": book.history(engine, e.id), "proposals": book.links(engine, e.id)}
            print(json.dumps(sheet, ensure_ascii=False, indent=1))
        elif args.register_command in ("judge", "decide", "resolve"):
            e = _step(engine, args)
            d = book.next_deadline(e)
            done = {"judge": lambda: "processable" if e.processable else book.UNPROCESSABLE_REASONS[args.reason],
                    "decide": lambda: book.DECISIONS[e.decision], "resolve": lambda: "resolved"}
            print(f"letter {e.id}: {done[args.register_command]()}"
                  + (f"; next deadline {d.due} ({d.article})" if d else "")
                  + (f"; officer {e.officer}" if e.officer else ""))
        elif args.register_command == "link":
            e = book.answer(engine, args.id, args.other, confirm=not args.reject, who=args.who)
            print(f"letter {e.id}: matter {e.matter_id}" if not args.reject else f"letter {e.id}: proposal rejected")
        elif args.register_command == "due":
            found = book.due(engine, today=args.today or dt.date.today(), unit=args.unit, officer=args.officer)
            for label, key in (("OVERDUE", "overdue"), ("DUE WITHIN 7 DAYS", "this_week")):
                print(label)
                for e, d in found[key]:
                    print(f"  {d.due}  {e.register_number:>9}  {e.unit}  {e.officer or '-':<12} {d.limit.label} ({d.article})")
        elif args.register_command == "refresh-deadlines":
            checked, changed = book.refresh_all(store.engine, unit=args.unit)
            audit.append(store, username=_actor(), client="cli", action="register_refresh_deadlines",
                         target=f"unit={normalise_unit(args.unit) if args.unit else '(all)'} "
                                f"checked={checked} changed={changed}")
            print(f"{changed} deadlines changed ({checked} letters checked)")
    except book.RegisterError as exc:
        print(exc, file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


def add_commands(sub) -> None:
    """`donthu register add|list|show|judge|decide|resolve|link|due|refresh-deadlines`."""
    p = sub.add_parser("register", help="the register of incoming letters (sổ xử lý đơn)")
    rs = p.add_subparsers(dest="register_command", required=True)

    a = rs.add_parser("add", help="enter a letter: from a stored document (--document) or a text file")
    a.add_argument("--unit", required=True, help="unit path, e.g. an-giang/thanh-tra-tinh")
    a.add_argument("--received", type=_date, default=dt.date.today())
    a.add_argument("--channel", choices=list(book.CHANNELS), default="post")
    a.add_argument("--forwarded-by")
    a.add_argument("--forwarded-number")
    a.add_argument("--forwarded-date")
    src = a.add_mutually_exclusive_group(required=True)
    src.add_argument("--document", type=int, help="a processed document's id")
    src.add_argument("--text-file", help="the letter's text (UTF-8)")
    a.add_argument("--type", default="unknown",
                   choices=["complaint", "denunciation", "recommendation", "land_dispute", "unknown"])
    a.add_argument("--sender", type=_sender, action="append", help="NAME|ID|ADDRESS (repeatable)")
    a.add_argument("--summary")
    a.add_argument("--officer")
    a.add_argument("--who", default="cli")

    ls = rs.add_parser("list", help="letters of a unit (and the units below it)")
    ls.add_argument("--unit")
    ls.add_argument("--year", type=int)
    ls.add_argument("--status", choices=list(book.STATUSES))
    ls.add_argument("--json", action="store_true")
    ls.add_argument("--limit", type=_positive, default=100, help="letters shown (default 100), newest first")
    ls.add_argument("--offset", type=_not_negative, default=0, help="letters skipped before those shown")

    s = rs.add_parser("show", help="a letter's sheet: fields, next deadline, history, duplicate proposals")
    s.add_argument("id", type=int)

    j = rs.add_parser("judge", help="processable, or not with --reason")
    j.add_argument("id", type=int)
    j.add_argument("--reason", choices=list(book.UNPROCESSABLE_REASONS))
    j.add_argument("--who", default="cli")
    j.add_argument("--officer", help="the handling officer, recorded when the letter has none")

    d = rs.add_parser("decide", help="accept / forward / guide / return / file")
    d.add_argument("id", type=int)
    d.add_argument("--decision", required=True, choices=list(book.DECISIONS))
    d.add_argument("--on", type=_date, default=dt.date.today())
    d.add_argument("--to", help="the competent body (forward)")
    d.add_argument("--document-issued", action="append", help="số/ký hiệu of a document issued (repeatable)")
    d.add_argument("--complex", action="store_true", help="a complex case (longer limits)")
    d.add_argument("--remote", action="store_true", help="remote area with difficult travel (Luật Khiếu nại)")
    d.add_argument("--who", default="cli")
    d.add_argument("--officer", help="the handling officer, recorded when the letter has none")

    r = rs.add_parser("resolve", help="the matter of the letter is resolved")
    r.add_argument("id", type=int)
    r.add_argument("--on", type=_date, default=dt.date.today())
    r.add_argument("--who", default="cli")
    r.add_argument("--officer", help="the handling officer, recorded when the letter has none")

    k = rs.add_parser("link", help="confirm (default) or --reject that letter ID is the same matter as OTHER")
    k.add_argument("id", type=int)
    k.add_argument("other", type=int)
    k.add_argument("--reject", action="store_true")
    k.add_argument("--who", default="cli")

    u = rs.add_parser("due", help="deadlines passed, and due within 7 days, per unit and officer")
    u.add_argument("--unit")
    u.add_argument("--officer")
    u.add_argument("--today", type=_date)

    f = rs.add_parser("refresh-deadlines", help="recompute the stored next deadline of every pending letter "
                                                "(after the working-day calendar changed); audited")
    f.add_argument("--unit", help="only this unit and the units below it")

    p.set_defaults(func=cmd_register)
