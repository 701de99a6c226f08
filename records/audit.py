"""The audit trail: who did what, when, from where, with what result — append-only and tamper-evident.

Each row's `hash` is SHA-256(previous row's hash + this row's canonical content) (the first row chains from 64
zeros), so editing, removing or inserting a row breaks the chain from there on; `verify` names the first row
that does not match. Rows are appended in the writer's transaction (SQLite: one writer at a time; PostgreSQL:
the table is locked for the append), never updated or deleted by the code.

Actions logged (`ACTIONS`): logins (ok and failed), logouts, reads of records, page images and originals,
searches with their terms, exports, the register (its reads, entries, decisions and duplicate answers),
uploads, corrections and typed pages, retries, user and token changes, and refused requests (`denied`: a 403
or a failed CSRF / Origin check, with the method and path).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, text

from records.tables import audit_log

GENESIS = "0" * 64
ACTIONS = ("login", "logout", "read", "read_page_image", "read_original", "search", "export", "upload",
           "correct", "type_page", "retry", "user_add", "user_change", "token_add", "token_revoke",
           "read_audit", "read_register", "register", "decide", "link", "denied")


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    client: str
    action: str
    target: str
    result: str
    hash: str


def _canonical(at: datetime, username: str, client: str, action: str, target: str, result: str) -> str:
    return json.dumps([at.isoformat(timespec="microseconds"), username, client, action, target, result],
                      ensure_ascii=False, separators=(",", ":"))


def chain_hash(previous: str, at: datetime, username: str, client: str, action: str, target: str,
               result: str) -> str:
    content = _canonical(at, username, client, action, target, result)
    return hashlib.sha256((previous + content).encode("utf-8")).hexdigest()


def append(store, *, username: str, client: str, action: str, target: str = "", result: str = "ok") -> None:
    """One row at the end of the chain."""
    append_on(store.engine, username=username, client=client, action=action, target=target, result=result)


def append_on(engine, *, username: str, client: str, action: str, target: str = "", result: str = "ok") -> None:
    """`append` through an engine (the register's book has no store), in a write transaction of its own."""
    with engine.connect() as conn:
        conn.execution_options(donthu_write=True)  # SQLite: take the write lock up front (records.store)
        with conn.begin():
            append_in(conn, username=username, client=client, action=action, target=target, result=result)


def append_in(conn, *, username: str, client: str, action: str, target: str = "", result: str = "ok") -> None:
    """One row at the end of the chain, written in the caller's transaction `conn` (a write transaction: on
    SQLite begun with `donthu_write`), so that an action and its audit row are committed together or not at
    all (`records.register.book.take_step`)."""
    at = datetime.now(UTC).replace(tzinfo=None)
    target = target[:4000]
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
    previous = conn.execute(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    conn.execute(insert(audit_log).values(
        at=at, username=username, client=client[:100], action=action, target=target, result=result,
        hash=chain_hash(previous or GENESIS, at, username, client[:100], action, target, result),
    ))


def _row(r) -> AuditRow:
    return AuditRow(r["id"], r["at"], r["username"], r["client"], r["action"], r["target"], r["result"], r["hash"])


def rows(store, *, limit: int = 100, before: int | None = None, username: str | None = None,
         action: str | None = None) -> list[AuditRow]:
    """The newest rows first (`before`: ids below this one)."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if before is not None:
        query = query.where(audit_log.c.id < before)
    if username:
        query = query.where(audit_log.c.username == username)
    if action:
        query = query.where(audit_log.c.action == action)
    with store._read() as conn:
        return [_row(r) for r in conn.execute(query).mappings()]


@dataclass(frozen=True)
class Verification:
    ok: bool
    rows: int
    #: the id of the first row whose hash does not follow from the rows before it
    broken_at: int | None = None


def verify(store, batch: int = 5000) -> Verification:
    """Recompute the chain from the first row; stop at the first mismatch."""
    previous, count, after = GENESIS, 0, 0
    while True:
        with store._read() as conn:
            chunk = [_row(r) for r in conn.execute(
                select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(batch)).mappings()]
        if not chunk:
            return Verification(True, count)
        for row in chunk:
            expected = chain_hash(previous, row.at, row.username, row.client, row.action, row.target, row.result)
            if expected != row.hash:
                return Verification(False, count, row.id)
            previous, count, after = row.hash, count + 1, row.id
