"""The system of record: documents, dossiers, batches, pages, words, entities, status and errors.

`Store(settings)` opens the database at `settings.db_url` — bringing it to the latest schema with the Alembic
migrations of `records/migrations/`, the only way tables are created — and the originals folder.
Readers of records go through `records.read` (corrections applied), not `Store.get`.
SQLite (default, embedded) runs in WAL mode with a busy timeout and `BEGIN IMMEDIATE` for writes so that
several worker processes can write safely; PostgreSQL works with the same code (SQLAlchemy Core only).

A document moves queued → processing (`claim`) → done (`save_result`) | failed (`mark_failed`).
A `processing` claim belongs to one worker ("host:pid"); it can be taken over when that worker's process
is gone (same host) or its heartbeat (`updated_at`, refreshed by `set_progress`) is older than the lease,
so an interrupted run resumes without two live workers ever processing the same document.
"""

from __future__ import annotations

import functools
import json
import math
import os
import time
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (Connection, Engine, and_, create_engine, delete, event, func, insert, or_, select, text, true,
                        update)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from donthu.access import normalise_unit
from donthu.config import Settings
from donthu.procs import owner_tag, process_alive
from donthu.schema import Record
from donthu.text import nfc
from donthu.types import PageResult, Word
from records.blobs import BlobStore
from records.corrections import apply_corrections, corrections_for
from records.migrations import ensure_schema
from records.tables import (
    batch_items, batches, doc_references, documents, dossiers, OUTCOMES, pages as page_table, parcels, parties,
    words,
)
from records.typed import apply_typed, typed_for

#: a `processing` claim whose heartbeat is older than this (seconds) may be taken over by another worker
DEFAULT_LEASE_SECONDS = 1800.0


@dataclass
class DocumentInfo:
    id: int
    file: str
    sha256: str
    mime: str | None
    size_bytes: int
    status: str  # queued | processing | done | failed
    error: str | None
    pages_total: int
    pages_done: int
    batch_id: int | None
    dossier_id: int | None
    created_at: datetime  # UTC, timezone-aware
    updated_at: datetime
    record: Record | None = None  # set once done (list_documents leaves it None unless with_records)
    kind: str | None = None
    type: str | None = None
    type_confidence: float | None = None
    doc_date: str | None = None
    attempts: int = 0
    #: the unit the document belongs to (donthu.access path; "" = the root)
    unit: str = ""


@dataclass
class PageInfo:
    document_id: int
    number: int
    source: str
    confidence: float | None
    text: str
    width: int
    height: int
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    handwritten: bool = False


@dataclass
class BatchItem:
    id: int
    batch_id: int
    file: str
    document_id: int | None
    outcome: str  # done | skipped | failed | queued (recorded)
    error: str | None
    #: outcome as of now: a queued item follows its document (done / failed), skipped stays skipped
    effective_outcome: str = "queued"
    pages_done: int = 0
    pages_total: int = 0


@dataclass
class FailedFile:
    file: str
    error: str | None


@dataclass
class BatchSummary:
    batch_id: int
    label: str
    created_at: datetime
    total: int
    counts: dict[str, int]  # every outcome in OUTCOMES, zero included
    failed: list[FailedFile]
    pages_done: int
    pages_total: int


@dataclass
class LowConfidencePage:
    document_id: int
    file: str
    number: int
    confidence: float


@dataclass
class SharedDocument:
    """Another document naming the same party or parcel."""

    document_id: int
    file: str
    #: e.g. ["party: Nguyễn Văn An", "parcel: 45/12 Long Điền A"]
    shared: list[str]


def _insert_many(conn: Connection, table, rows: list[dict]) -> None:
    """INSERT many rows. The word rows (a few hundred a page; integers and text only) go on SQLite straight
    through the driver's executemany as positional rows: 1.5 ms instead of 3.2 ms through SQLAlchemy's
    per-row parameter processing, a twentieth of a born-digital page's time. Everything else, and every
    other database, through SQLAlchemy."""
    if table is not words or conn.dialect.paramstyle != "qmark":
        conn.execute(insert(table), rows)
        return
    statement, order = _positional_insert(table, tuple(rows[0]), conn.dialect)
    conn.exec_driver_sql(statement, [tuple(row[name] for name in order) for row in rows])


@functools.lru_cache(maxsize=8)
def _positional_insert(table, columns: tuple[str, ...], dialect) -> tuple[str, tuple[str, ...]]:
    """The INSERT statement of `columns` for a positional-parameter dialect, and the parameters' order."""
    compiled = insert(table).values({name: None for name in columns}).compile(dialect=dialect)
    return str(compiled), tuple(compiled.positiontup or ())


def unit_condition(column: Any, unit: str) -> Any:
    """SQL: `column` is `unit` or a unit below it (donthu.access.unit_contains); the root contains all."""
    unit = normalise_unit(unit)
    if not unit:
        return true()
    return or_(column == unit, func.substr(column, 1, len(unit) + 1) == unit + "/")


def _now() -> datetime:
    """Naive UTC (stored without time zone on both back ends)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _clean(value: str | None) -> str | None:
    """NFC, without NUL characters (PostgreSQL refuses them in text)."""
    if value is None:
        return None
    return nfc(value).replace("\x00", "")


def _num(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return float(value)




def engine_url(url: str) -> str:
    """Accept plain `postgresql://` / `postgres://` URLs and use psycopg 3 for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _set_wal(cursor: Any, seconds: float = 30.0) -> None:
    """Switch the database file to WAL (persistent: once set, every later connection finds it set).

    Switching needs an exclusive lock, and SQLite answers "database is locked" at once — without waiting on
    the busy timeout — when several processes open a new database together; retry with a short backoff.
    """
    import sqlite3

    deadline = time.monotonic() + seconds
    delay = 0.01
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(0.2, delay * 2)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, foreign keys and BEGIN IMMEDIATE for writes."""
    parsed = make_url(engine_url(url))
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(parsed.database)), exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # the driver's own transaction handling is off; SQLAlchemy's "begin" below emits BEGIN
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        _set_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # a write transaction takes the write lock up front: a deferred one that read first could not
        # upgrade once another process committed (SQLITE_BUSY even with a busy timeout)
        immediate = conn.get_execution_options().get("donthu_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        self.blobs = BlobStore(settings.originals_dir)
        self.create_tables()

    def create_tables(self) -> None:
        """Migrate the database to the latest schema (several processes may open the store at once)."""
        ensure_schema(self.engine)

    # -- plumbing ---------------------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(donthu_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means unreachable
            return False

    # -- originals --------------------------------------------------------------------------------------

    def put_original(self, data: bytes) -> str:
        """Store the file's bytes once; return their SHA-256."""
        return self.blobs.put(data)

    def read_original(self, sha: str) -> bytes:
        return self.blobs.get(sha)

    # -- batches and dossiers ---------------------------------------------------------------------------

    def create_batch(self, label: str) -> int:
        with self._write() as conn:
            result = conn.execute(insert(batches).values(label=_clean(label), created_at=_now()))
            return int(result.inserted_primary_key[0])

    def find_batch(self, label: str) -> int | None:
        """The latest batch with this label."""
        with self._read() as conn:
            return conn.execute(
                select(batches.c.id).where(batches.c.label == _clean(label)).order_by(batches.c.id.desc())
            ).scalar()

    def create_dossier(self, name: str, folder: str | None = None) -> int:
        with self._write() as conn:
            result = conn.execute(
                insert(dossiers).values(name=_clean(name), folder=_clean(folder), created_at=_now())
            )
            return int(result.inserted_primary_key[0])

    def find_or_create_dossier(self, name: str, folder: str | None = None) -> int:
        with self._write() as conn:
            query = select(dossiers.c.id).where(dossiers.c.name == _clean(name))
            if folder is not None:
                query = query.where(dossiers.c.folder == _clean(folder))
            found = conn.execute(query.order_by(dossiers.c.id)).scalar()
            if found is not None:
                return int(found)
            result = conn.execute(
                insert(dossiers).values(name=_clean(name), folder=_clean(folder), created_at=_now())
            )
            return int(result.inserted_primary_key[0])

    def add_batch_item(
        self,
        batch_id: int,
        file: str,
        document_id: int | None,
        outcome: str,
        error: str | None = None,
    ) -> int:
        """Record what a batch did with one file; the same (batch, file) again updates the item."""
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        values = dict(document_id=document_id, outcome=outcome, error=_clean(error), updated_at=_now())
        for _ in range(2):
            try:
                with self._write() as conn:
                    found = conn.execute(
                        select(batch_items.c.id).where(
                            batch_items.c.batch_id == batch_id, batch_items.c.file == _clean(file)
                        )
                    ).scalar()
                    if found is not None:
                        conn.execute(update(batch_items).where(batch_items.c.id == found).values(**values))
                        return int(found)
                    result = conn.execute(
                        insert(batch_items).values(
                            batch_id=batch_id, file=_clean(file), created_at=values["updated_at"], **values
                        )
                    )
                    return int(result.inserted_primary_key[0])
            except IntegrityError:
                continue  # inserted concurrently: the second round updates it
        raise RuntimeError(f"could not record batch item {file!r}")

    def update_batch_item(
        self,
        batch_id: int,
        document_id: int,
        outcome: str,
        error: str | None = None,
    ) -> int:
        """Set the outcome of the batch's item(s) for this document (skipped items stay skipped).

        Returns the number of items updated.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        with self._write() as conn:
            result = conn.execute(
                update(batch_items)
                .where(
                    batch_items.c.batch_id == batch_id,
                    batch_items.c.document_id == document_id,
                    batch_items.c.outcome != "skipped",
                )
                .values(outcome=outcome, error=_clean(error), updated_at=_now())
            )
            return result.rowcount

    def batch_items(self, batch_id: int) -> list[BatchItem]:
        query = (
            select(
                batch_items,
                documents.c.status.label("doc_status"),
                documents.c.error.label("doc_error"),
                documents.c.pages_done.label("doc_pages_done"),
                documents.c.pages_total.label("doc_pages_total"),
            )
            .select_from(batch_items.outerjoin(documents, documents.c.id == batch_items.c.document_id))
            .where(batch_items.c.batch_id == batch_id)
            .order_by(batch_items.c.id)
        )
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
        items = []
        for row in rows:
            effective, error = row["outcome"], row["error"]
            if row["outcome"] != "skipped" and row["doc_status"] is not None:
                effective = {"done": "done", "failed": "failed"}.get(row["doc_status"], "queued")
                if effective == "failed":
                    error = row["doc_error"] or error
            items.append(
                BatchItem(
                    id=row["id"],
                    batch_id=row["batch_id"],
                    file=row["file"],
                    document_id=row["document_id"],
                    outcome=row["outcome"],
                    error=error,
                    effective_outcome=effective,
                    pages_done=row["doc_pages_done"] or 0,
                    pages_total=row["doc_pages_total"] or 0,
                )
            )
        return items

    def batch_summary(self, batch_id: int) -> BatchSummary:
        """Counts by outcome (queued items follow their document), failed files with reasons, pages."""
        with self._read() as conn:
            batch = conn.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()
        if batch is None:
            raise KeyError(f"no batch {batch_id}")
        items = self.batch_items(batch_id)
        counts = {outcome: 0 for outcome in OUTCOMES}
        for item in items:
            counts[item.effective_outcome] = counts.get(item.effective_outcome, 0) + 1
        return BatchSummary(
            batch_id=batch_id,
            label=batch["label"],
            created_at=_aware(batch["created_at"]),
            total=len(items),
            counts=counts,
            failed=[FailedFile(i.file, i.error) for i in items if i.effective_outcome == "failed"],
            pages_done=sum(i.pages_done for i in items if i.effective_outcome != "skipped"),
            pages_total=sum(i.pages_total for i in items if i.effective_outcome != "skipped"),
        )

    # -- documents --------------------------------------------------------------------------------------

    def add_document(
        self,
        file: str,
        sha256: str,
        size_bytes: int,
        mime: str | None = None,
        batch_id: int | None = None,
        dossier_id: int | None = None,
        unit: str = "",
    ) -> int:
        """A new queued document of `unit`; if one with this SHA-256 exists, its id (the caller decides to
        skip)."""
        existing = self.find_by_sha(sha256)
        if existing is not None:
            return existing.id
        now = _now()
        try:
            with self._write() as conn:
                result = conn.execute(
                    insert(documents).values(
                        file=_clean(file),
                        sha256=sha256,
                        mime=mime,
                        size_bytes=size_bytes,
                        batch_id=batch_id,
                        dossier_id=dossier_id,
                        unit=normalise_unit(unit),
                        status="queued",
                        pages_total=0,
                        pages_done=0,
                        attempts=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return int(result.inserted_primary_key[0])
        except IntegrityError:
            existing = self.find_by_sha(sha256)  # added concurrently
            if existing is None:
                raise
            return existing.id

    def find_by_sha(self, sha256: str, *, with_record: bool = False) -> DocumentInfo | None:
        """The document with this content, if any (its `record` only with `with_record`)."""
        columns = [c for c in documents.c if with_record or c.name != "record_json"]
        with self._read() as conn:
            row = conn.execute(select(*columns).where(documents.c.sha256 == sha256)).mappings().first()
        return self._info(row, with_record=with_record) if row else None

    def get(self, document_id: int) -> DocumentInfo | None:
        with self._read() as conn:
            row = conn.execute(select(documents).where(documents.c.id == document_id)).mappings().first()
        return self._info(row, with_record=True) if row else None

    def list_documents(
        self,
        status: str | None = None,
        batch_id: int | None = None,
        limit: int = 50,
        offset: int = 0,
        *,
        with_records: bool = False,
        unit: str | None = None,
    ) -> list[DocumentInfo]:
        """Newest first. `record` stays None unless `with_records` (records carry the full text); `unit`:
        only the documents of that unit and the units below it (None: all)."""
        columns = [c for c in documents.c if with_records or c.name != "record_json"]
        query = select(*columns).order_by(documents.c.id.desc()).limit(limit).offset(offset)
        query = self._filter(query, status, batch_id, unit)
        with self._read() as conn:
            rows = conn.execute(query).mappings().all()
        return [self._info(row, with_record=with_records) for row in rows]

    def count_documents(self, status: str | None = None, batch_id: int | None = None, *,
                        unit: str | None = None) -> int:
        query = self._filter(select(func.count()).select_from(documents), status, batch_id, unit)
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    @staticmethod
    def _filter(query: Any, status: str | None, batch_id: int | None, unit: str | None = None) -> Any:
        if unit is not None:
            query = query.where(unit_condition(documents.c.unit, unit))
        if status is not None:
            query = query.where(documents.c.status == status)
        if batch_id is not None:
            in_batch = select(batch_items.c.document_id).where(batch_items.c.batch_id == batch_id)
            query = query.where(or_(documents.c.batch_id == batch_id, documents.c.id.in_(in_batch)))
        return query

    def pending_ids(self) -> list[int]:
        """Documents queued or processing (to resume after an interruption), oldest first."""
        with self._read() as conn:
            return list(
                conn.execute(
                    select(documents.c.id)
                    .where(documents.c.status.in_(("queued", "processing")))
                    .order_by(documents.c.id)
                ).scalars()
            )

    def claim(self, document_id: int, *, stale_after: float | None = None) -> bool:
        """Take the document for processing (queued/failed/abandoned processing → processing), atomically.

        False if it is done, missing, or being processed by a live worker: another process on this host
        that is still running, or any worker whose heartbeat is younger than `stale_after` seconds
        (default DEFAULT_LEASE_SECONDS; 0 takes over any processing claim).
        """
        lease = DEFAULT_LEASE_SECONDS if stale_after is None else stale_after
        with self._write() as conn:
            row = conn.execute(
                select(documents.c.status, documents.c.owner, documents.c.attempts, documents.c.updated_at).where(
                    documents.c.id == document_id
                )
            ).first()
            if row is None or row.status == "done":
                return False
            if row.status == "processing" and not self._abandoned(row.owner, row.updated_at, lease):
                return False
            # compare-and-set on the attempt counter: of two racing workers only one matches
            result = conn.execute(
                update(documents)
                .where(
                    and_(
                        documents.c.id == document_id,
                        documents.c.status == row.status,
                        documents.c.attempts == row.attempts,
                    )
                )
                .values(
                    status="processing",
                    owner=owner_tag(),
                    attempts=row.attempts + 1,
                    error=None,
                    pages_done=0,
                    updated_at=_now(),
                )
            )
            return result.rowcount == 1

    @staticmethod
    def _abandoned(owner: str | None, heartbeat: datetime | None, lease: float) -> bool:
        if owner is None or heartbeat is None:
            return True
        if _aware(heartbeat) <= datetime.now(UTC) - timedelta(seconds=lease):
            return True
        host, _, pid_text = owner.rpartition(":")
        if host != socket.gethostname() or not pid_text.isdigit():
            return False  # another machine: only the lease tells
        pid = int(pid_text)
        return pid == os.getpid() or not process_alive(pid)

    def set_progress(self, document_id: int, pages_done: int, pages_total: int) -> None:
        """Pages done so far (also the heartbeat of the processing claim)."""
        with self._write() as conn:
            conn.execute(
                update(documents)
                .where(documents.c.id == document_id)
                .values(pages_done=pages_done, pages_total=pages_total, updated_at=_now())
            )

    def mark_failed(self, document_id: int, error: str) -> None:
        """The document could not be processed; `error` is a reason a clerk can read."""
        with self._write() as conn:
            conn.execute(
                update(documents)
                .where(documents.c.id == document_id)
                .values(status="failed", error=_clean(error) or "failed", owner=None, updated_at=_now())
            )

    def save_result(self, document_id: int, record: Record, pages: list[PageResult]) -> None:
        """Store the record, pages, words and entities in one transaction (replacing any earlier ones).

        `record_json` keeps the extraction as it came; the derived rows (`documents.kind/type/date`, parties,
        parcels, references) follow the record as readers see it, i.e. with the pages clerks typed
        (records.typed) and the staff's corrections of a document processed again.
        """
        record_json = _clean(record.model_dump_json())
        shown = apply_corrections(apply_typed(record, typed_for(self, document_id)),
                                  corrections_for(self, document_id)) or record
        page_rows, word_rows = [], []
        for page in pages:
            page_rows.append(
                dict(
                    document_id=document_id,
                    number=page.number,
                    source=page.source,
                    confidence=_num(page.confidence),
                    text=_clean(page.text) or "",
                    width=page.width or 0,
                    height=page.height or 0,
                    notes=json.dumps([_clean(n) for n in page.notes], ensure_ascii=False),
                    error=_clean(page.error),
                    handwritten=bool(page.handwritten),
                )
            )
            for idx, word in enumerate(page.words):
                word_rows.append(
                    dict(
                        document_id=document_id,
                        page_number=page.number,
                        idx=idx,
                        text=_clean(word.text) or "",
                        left=int(word.left),
                        top=int(word.top),
                        width=int(word.width),
                        height=int(word.height),
                        confidence=_num(word.confidence),
                        line=int(word.line),
                        block=int(word.block),
                    )
                )
        if not page_rows:  # no PageResults given: keep at least the record's page texts
            page_rows = [
                dict(
                    document_id=document_id,
                    number=p.number,
                    source=p.source,
                    confidence=_num(p.confidence),
                    text=_clean(p.text) or "",
                    width=0,
                    height=0,
                    notes="[]",
                    error=None,
                    handwritten=bool(p.handwritten),
                )
                for p in record.pages
            ]
        party_rows = [
            dict(
                document_id=document_id,
                name=_clean(p.name),
                role=p.role,
                id_number=_clean(p.id_number),
                address=_clean(p.address),
            )
            for p in shown.parties
        ]
        parcel_rows = [
            dict(
                document_id=document_id,
                parcel_no=_clean(p.parcel_no),
                map_sheet=_clean(p.map_sheet),
                area_m2=_num(p.area_m2),
                area_text=_clean(p.area_text),
                area_value=_num(p.area_value),
                area_unit=_clean(p.area_unit),
                land_use=_clean(p.land_use),
                commune=_clean(p.commune),
                district=_clean(p.district),
                province=_clean(p.province),
            )
            for p in shown.parcels
        ]
        reference_rows = [
            dict(document_id=document_id, number=_clean(r.number), date=r.date, issuer=_clean(r.issuer))
            for r in shown.references
        ]
        count = len(page_rows)
        with self._write() as conn:
            for table in (words, page_table, parties, parcels, doc_references):
                conn.execute(delete(table).where(table.c.document_id == document_id))
            for table, rows in (
                (page_table, page_rows),
                (words, word_rows),
                (parties, party_rows),
                (parcels, parcel_rows),
                (doc_references, reference_rows),
            ):
                if rows:
                    _insert_many(conn, table, rows)
            conn.execute(
                update(documents)
                .where(documents.c.id == document_id)
                .values(
                    status="done",
                    error=None,
                    owner=None,
                    pages_total=count,
                    pages_done=count,
                    kind=shown.kind,
                    type=shown.type,
                    type_confidence=_num(shown.type_confidence),
                    doc_date=shown.date,
                    mime=func.coalesce(documents.c.mime, record.mime),
                    record_json=record_json,
                    updated_at=_now(),
                )
            )

    # -- pages and words --------------------------------------------------------------------------------

    def page(self, document_id: int, number: int) -> PageInfo | None:
        with self._read() as conn:
            row = conn.execute(
                select(page_table).where(page_table.c.document_id == document_id, page_table.c.number == number)
            ).mappings().first()
        if row is None:
            return None
        return PageInfo(
            document_id=row["document_id"],
            number=row["number"],
            source=row["source"],
            confidence=row["confidence"],
            text=row["text"],
            width=row["width"],
            height=row["height"],
            notes=json.loads(row["notes"]) if row["notes"] else [],
            error=row["error"],
            handwritten=bool(row["handwritten"]),
        )

    def page_words(self, document_id: int, number: int) -> list[Word]:
        """The page's words in reading order, boxes in pixels of the served page image."""
        with self._read() as conn:
            rows = conn.execute(
                select(words)
                .where(words.c.document_id == document_id, words.c.page_number == number)
                .order_by(words.c.idx)
            ).mappings().all()
        return [
            Word(
                text=r["text"],
                left=r["left"],
                top=r["top"],
                width=r["width"],
                height=r["height"],
                confidence=r["confidence"],
                line=r["line"],
                block=r["block"],
            )
            for r in rows
        ]

    def low_confidence_pages(self, threshold: float, limit: int = 100) -> list[LowConfidencePage]:
        """OCR pages whose mean word confidence is below `threshold` (0-100), worst first — for review."""
        query = (
            select(page_table.c.document_id, documents.c.file, page_table.c.number, page_table.c.confidence)
            .select_from(page_table.join(documents, documents.c.id == page_table.c.document_id))
            .where(page_table.c.source == "ocr", page_table.c.confidence < threshold)
            .order_by(page_table.c.confidence, page_table.c.document_id, page_table.c.number)
            .limit(limit)
        )
        with self._read() as conn:
            return [LowConfidencePage(*row) for row in conn.execute(query)]

    def documents_sharing(self, document_id: int) -> list[SharedDocument]:
        """Other documents that name one of this document's parties or parcels (same dispute, other papers).

        Parties match by exact (NFC) name; parcels by number and map sheet, and commune when both know it.
        """
        found: dict[int, SharedDocument] = {}
        with self._read() as conn:
            mine = parties.alias("mine")
            other = parties.alias("other")
            rows = conn.execute(
                select(other.c.document_id, documents.c.file, other.c.name)
                .select_from(
                    mine.join(other, and_(other.c.name == mine.c.name, other.c.document_id != document_id))
                    .join(documents, documents.c.id == other.c.document_id)
                )
                .where(mine.c.document_id == document_id)
                .distinct()
                .order_by(other.c.document_id, other.c.name)
            ).all()
            for doc, file, name in rows:
                found.setdefault(doc, SharedDocument(doc, file, [])).shared.append(f"party: {name}")
            mine_p = parcels.alias("mine_p")
            other_p = parcels.alias("other_p")
            same = and_(
                other_p.c.parcel_no == mine_p.c.parcel_no,
                other_p.c.document_id != document_id,
                or_(other_p.c.map_sheet == mine_p.c.map_sheet,
                    and_(other_p.c.map_sheet.is_(None), mine_p.c.map_sheet.is_(None))),
                or_(other_p.c.commune.is_(None), mine_p.c.commune.is_(None), other_p.c.commune == mine_p.c.commune),
            )
            rows = conn.execute(
                select(other_p.c.document_id, documents.c.file, other_p.c.parcel_no, other_p.c.map_sheet,
                       func.coalesce(other_p.c.commune, mine_p.c.commune))
                .select_from(mine_p.join(other_p, same).join(documents, documents.c.id == other_p.c.document_id))
                .where(mine_p.c.document_id == document_id)
                .distinct()
                .order_by(other_p.c.document_id)
            ).all()
            for doc, file, parcel_no, sheet, commune in rows:
                label = parcel_no + (f"/{sheet}" if sheet else "") + (f" {commune}" if commune else "")
                found.setdefault(doc, SharedDocument(doc, file, [])).shared.append(f"parcel: {label}")
        return sorted(found.values(), key=lambda d: d.document_id)

    # -- helpers ----------------------------------------------------------------------------------------

    @staticmethod
    def _info(row: Any, *, with_record: bool) -> DocumentInfo:
        record = None
        if with_record and row.get("record_json"):
            record = Record.model_validate_json(row["record_json"])
        return DocumentInfo(
            id=row["id"],
            file=row["file"],
            sha256=row["sha256"],
            mime=row["mime"],
            size_bytes=row["size_bytes"],
            status=row["status"],
            error=row["error"],
            pages_total=row["pages_total"],
            pages_done=row["pages_done"],
            batch_id=row["batch_id"],
            dossier_id=row["dossier_id"],
            created_at=_aware(row["created_at"]),
            updated_at=_aware(row["updated_at"]),
            record=record,
            kind=row["kind"],
            type=row["type"],
            type_confidence=row["type_confidence"],
            doc_date=row["doc_date"],
            attempts=row["attempts"],
            unit=row.get("unit") or "",
        )
