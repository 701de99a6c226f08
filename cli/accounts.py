"""`donthu user …`, `donthu token …`, `donthu audit …`: the accounts (records.accounts) and the audit trail
(records.audit) from the command line — the only way to make the first administrator (there is no default
user or password).

Passwords are read with getpass from the terminal (asked twice), or from standard input with
`--password-stdin` (one line, for scripts); never from the command line, where `ps` and shell history see
them. Every change is written to the audit trail as done by `cli:<the system user>`. Disabling a user or
changing their role or unit (`user role`) ends their web sessions and revokes their API tokens.

`cli_reader` is whom the reading commands (`show`, `list`, `search`, `stats`) read as: without clearance unless
`--cleared` (audited).
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Any

from donthu.access import Role
from donthu.config import Settings
from records import accounts, audit
from records.store import Store


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "cli"


def _read_password(args: Any) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first


def cmd_user_add(args: Any, settings: Settings) -> int:
    store = Store(settings)
    try:
        user = accounts.create_user(store, args.name, _read_password(args), args.role, args.unit)
    except accounts.AccountError as exc:
        print(f"not added: {exc}", file=sys.stderr)
        return 2
    audit.append(store, username=_actor(), client="cli", action="user_add",
                 target=f"{user.username} role={user.role.value} unit={user.unit}")
    print(f"user {user.username} added: role {user.role.value}, unit {user.unit or '(root)'}")
    return 0


def cmd_user_list(args: Any, settings: Settings) -> int:
    users = accounts.list_users(Store(settings))
    if args.json:
        print(json.dumps([{"username": u.username, "role": u.role.value, "unit": u.unit, "active": u.active,
                           "created_at": u.created_at.isoformat()} for u in users], ensure_ascii=False, indent=2))
        return 0
    for u in users:
        print(f"{u.username:<24} {u.role.value:<10} {u.unit or '(root)':<40} "
              f"{'active' if u.active else 'disabled'}  {u.created_at:%Y-%m-%d}")
    return 0


def _user_change(args: Any, settings: Settings, what: str) -> int:
    store = Store(settings)
    try:
        if what == "password":
            accounts.set_password(store, args.name, _read_password(args))
        else:
            accounts.set_active(store, args.name, what == "enable")
    except accounts.AccountError as exc:
        print(f"not changed: {exc}", file=sys.stderr)
        return 2
    audit.append(store, username=_actor(), client="cli", action="user_change", target=f"{args.name} {what}")
    print(f"user {args.name}: {what} done")
    return 0


def cmd_user_role(args: Any, settings: Settings) -> int:
    store = Store(settings)
    try:
        user = accounts.set_role(store, args.name, args.role, args.unit)
    except accounts.AccountError as exc:
        print(f"not changed: {exc}", file=sys.stderr)
        return 2
    audit.append(store, username=_actor(), client="cli", action="user_change",
                 target=f"{user.username} role={user.role.value} unit={user.unit}")
    print(f"user {user.username}: role {user.role.value}, unit {user.unit or '(root)'}; "
          "their sessions ended and tokens revoked")
    return 0


def cmd_token_add(args: Any, settings: Settings) -> int:
    store = Store(settings)
    try:
        token = accounts.create_token(store, args.name, args.label)
    except accounts.AccountError as exc:
        print(f"no token: {exc}", file=sys.stderr)
        return 2
    audit.append(store, username=_actor(), client="cli", action="token_add", target=f"{args.name} {args.label}")
    print(token)
    print("shown once: keep it (Authorization: Bearer <token>)", file=sys.stderr)
    return 0


def cmd_token_list(args: Any, settings: Settings) -> int:
    for t in accounts.list_tokens(Store(settings), args.name):
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        print(f"{t.id:>5}  {t.username:<24} {t.label:<30} {t.created_at:%Y-%m-%d}  {state}")
    return 0


def cmd_token_revoke(args: Any, settings: Settings) -> int:
    store = Store(settings)
    try:
        accounts.revoke_token(store, args.id)
    except accounts.AccountError as exc:
        print(f"not revoked: {exc}", file=sys.stderr)
        return 2
    audit.append(store, username=_actor(), client="cli", action="token_revoke", target=str(args.id))
    print(f"token {args.id} revoked")
    return 0


def cli_reader(args, settings: Settings, what: str):
    """Whom `show` / `list` / `search` / `stats` / `export` read as: by default a reader without clearance (a denouncer's identity
    masked, Luật Tố cáo 2018 Art. 8(3): terminals, pasted output and files made from it are not the place
    for it); with `--cleared`, the system (the identity shown), written to the audit trail as done by
    `cli:<the system user>`."""
    from donthu.access import Principal, Role
    from records.read import SYSTEM, reader_for

    if getattr(args, "cleared", False):
        store = Store(settings)
        try:
            audit.append(store, username=_actor(), client="cli", action="read", target=what, result="cleared")
        finally:
            store.close()
        return SYSTEM
    return reader_for(Principal(_actor(), Role.ARCHIVIST, ""))


def cmd_audit_verify(args: Any, settings: Settings) -> int:
    result = audit.verify(Store(settings))
    if result.ok:
        print(f"audit trail intact: {result.rows} rows")
        return 0
    print(f"audit trail BROKEN at row {result.broken_at} ({result.rows} rows before it verify)", file=sys.stderr)
    return 1


def cmd_audit_show(args: Any, settings: Settings) -> int:
    rows = audit.rows(Store(settings), limit=args.limit, username=args.user, action=args.action)
    for r in reversed(rows):
        print(f"{r.id:>7}  {r.at:%Y-%m-%d %H:%M:%S}  {r.username or '-':<20} {r.client:<16} {r.action:<16} "
              f"{r.result:<10} {r.target}")
    return 0


def add_commands(sub: Any) -> None:
    """The `user`, `token` and `audit` commands on the `donthu` parser's subparsers."""
    user = sub.add_parser("user", help="local accounts (the first administrator is made here)")
    users = user.add_subparsers(dest="user_command", required=True)
    p = users.add_parser("add", help="a new user; the password is asked for (or read from stdin)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--unit", default="", help="unit path, province first (an-giang/long-xuyen); default: root")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_user_add)
    p = users.add_parser("list", help="the users")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_user_list)
    for what in ("disable", "enable", "password"):
        p = users.add_parser(what, help=f"{what} a user")
        p.add_argument("name")
        if what == "password":
            p.add_argument("--password-stdin", action="store_true")
        p.set_defaults(func=lambda a, s, what=what: _user_change(a, s, what))

    p = users.add_parser("role", help="change a user's role and/or unit (ends their sessions, revokes tokens)")
    p.add_argument("name")
    p.add_argument("--role", choices=[r.value for r in Role])
    p.add_argument("--unit", help="unit path, province first; '' for the root")
    p.set_defaults(func=cmd_user_role)

    token = sub.add_parser("token", help="API tokens for scripts (Authorization: Bearer …)")
    tokens = token.add_subparsers(dest="token_command", required=True)
    p = tokens.add_parser("add", help="a new token for a user (printed once)")
    p.add_argument("name")
    p.add_argument("--label", required=True)
    p.set_defaults(func=cmd_token_add)
    p = tokens.add_parser("list", help="tokens (never their values)")
    p.add_argument("name", nargs="?")
    p.set_defaults(func=cmd_token_list)
    p = tokens.add_parser("revoke", help="revoke a token by id")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_token_revoke)

    trail = sub.add_parser("audit", help="the audit trail")
    trails = trail.add_subparsers(dest="audit_command", required=True)
    p = trails.add_parser("verify", help="check the hash chain; names the first broken row")
    p.set_defaults(func=cmd_audit_verify)
    p = trails.add_parser("show", help="the latest rows")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--user")
    p.add_argument("--action")
    p.set_defaults(func=cmd_audit_show)
