"""The scale-out bookkeeping in the database: a document's job (`document_jobs`: queue, page count,
deliveries) and its page results (`page_results`, upserted per page so a redelivered message never reads a
page twice), claims of pages by live workers, give-up after too many deliveries, and the per-document lock
of `finish`. The steps of `ingest.distributed` keep their state here only."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from donthu.config import ScaleSettings
from donthu.procs import owner_tag, process_alive
from donthu.types import PageResult, Word
from records.tables import document_jobs, page_results

#: PostgreSQL advisory lock class of `finish` (second key: the document id)
_FINISH_LOCK = 0x646F6E75


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)




def _write(store):
    """A write transaction on the store's engine (SQLite: BEGIN IMMEDIATE), the store's own."""
    return store._write()


def _upsert_insert(conn: Connection):
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def page_to_json(page: PageResult) -> str:
    return json.dumps(dataclasses.asdict(page), ensure_ascii=False)


def page_from_json(raw: str) -> PageResult:
    data = json.loads(raw)
    data["words"] = [Word(**w) for w in data.get("words", [])]
    return PageResult(**data)


def _held_elsewhere(owner: str | None, updated_at: datetime | None, scale: ScaleSettings) -> bool:
    """A page another live worker is reading: a live process on this host, or a fresh claim elsewhere."""
    if not owner or updated_at is None:
        return False
    host, _, pid_text = owner.rpartition(":")
    if host == socket.gethostname() and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return False
        return process_alive(pid)
    age = (_now() - updated_at).total_seconds()
    return age < scale.visibility_timeout / 2


def begin_page(store, document_id: int, number: int, scale: ScaleSettings) -> tuple[str, int]:
    """Count one delivery of a page task; ("done" | "busy" | "run", attempts so far)."""
    with _write(store) as conn:
        insert = _upsert_insert(conn)
        conn.execute(
            insert(page_results)
            .values(document_id=document_id, page_number=number, status="running", attempts=0,
                    updated_at=_now())
            .on_conflict_do_nothing(index_elements=["document_id", "page_number"])
        )
        row = conn.execute(
            select(page_results.c.status, page_results.c.attempts, page_results.c.owner,
                   page_results.c.updated_at)
            .where(page_results.c.document_id == document_id, page_results.c.page_number == number)
            .with_for_update()
        ).first()
        if row.status == "done":
            return "done", row.attempts
        if row.attempts > 0 and _held_elsewhere(row.owner, row.updated_at, scale):
            return "busy", row.attempts
        attempts = row.attempts + 1
        conn.execute(
            update(page_results)
            .where(page_results.c.document_id == document_id, page_results.c.page_number == number)
            .values(status="running", attempts=attempts, owner=owner_tag(), updated_at=_now())
        )
        return "run", attempts


def save_page(store, document_id: int, result: PageResult) -> None:
    with _write(store) as conn:
        insert = _upsert_insert(conn)
        stmt = insert(page_results).values(
            document_id=document_id, page_number=result.number, status="done", attempts=1, owner=owner_tag(),
            result_json=page_to_json(result), updated_at=_now(),
        )
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["document_id", "page_number"],
            set_={"status": "done", "result_json": stmt.excluded.result_json, "owner": stmt.excluded.owner,
                  "updated_at": stmt.excluded.updated_at},
        ))


def done_pages(store, document_id: int) -> list[PageResult]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(page_results.c.result_json)
            .where(page_results.c.document_id == document_id, page_results.c.status == "done")
            .order_by(page_results.c.page_number)
        ).scalars().all()
    return [page_from_json(raw) for raw in rows]


def _done_numbers(store, document_id: int) -> set[int]:
    with store.engine.connect() as conn:
        return set(conn.execute(
            select(page_results.c.page_number)
            .where(page_results.c.document_id == document_id, page_results.c.status == "done")
        ).scalars())


def _count_done(store, document_id: int) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).select_from(page_results)
            .where(page_results.c.document_id == document_id, page_results.c.status == "done")
        ).scalar() or 0)


def job(store, document_id: int) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(select(document_jobs).where(document_jobs.c.document_id == document_id)).mappings().first()
    return dict(row) if row else None


def reset_job(store, document_id: int, queue: str) -> None:
    """A (re)submission: a fresh attempt count and no page results left from an earlier run."""
    with _write(store) as conn:
        conn.execute(delete(page_results).where(page_results.c.document_id == document_id))
        insert = _upsert_insert(conn)
        stmt = insert(document_jobs).values(document_id=document_id, queue=queue, pages_total=0, attempts=0,
                                            submitted_at=_now())
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["document_id"],
            set_={"queue": queue, "pages_total": 0, "attempts": 0, "submitted_at": stmt.excluded.submitted_at,
                  "started_at": None, "finished_at": None, "mime": None},
        ))


def _count_attempt(store, document_id: int, queue: str) -> int:
    with _write(store) as conn:
        insert = _upsert_insert(conn)
        stmt = insert(document_jobs).values(document_id=document_id, queue=queue, pages_total=0, attempts=1,
                                            submitted_at=_now(), started_at=_now())
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["document_id"],
            set_={"attempts": document_jobs.c.attempts + 1, "started_at": stmt.excluded.started_at},
        ))
        return int(conn.execute(
            select(document_jobs.c.attempts).where(document_jobs.c.document_id == document_id)
        ).scalar())


def _set_job(store, document_id: int, **values: Any) -> None:
    with _write(store) as conn:
        conn.execute(update(document_jobs).where(document_jobs.c.document_id == document_id).values(**values))


def _fail(store, document_id: int, error: str) -> str:
    store.mark_failed(document_id, error)
    _set_job(store, document_id, finished_at=_now())
    return "failed"


def give_up_message(attempts: int, what: str = "this file") -> str:
    return (f"gave up after {attempts} attempts: the worker processing {what} stopped each time "
            f"(a file that crashes the reader, or workers killed); resubmit to try again")


def _cleanup(store, document_id: int) -> None:
    with _write(store) as conn:
        conn.execute(delete(page_results).where(page_results.c.document_id == document_id))


@contextmanager
def _finish_lock(store, document_id: int) -> Iterator[None]:
    if store.engine.dialect.name != "postgresql":
        yield  # SQLite: save_result's BEGIN IMMEDIATE serialises concurrent finishers
        return
    with store.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:a, :b)"), {"a": _FINISH_LOCK, "b": document_id})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:a, :b)"), {"a": _FINISH_LOCK, "b": document_id})
            conn.commit()
