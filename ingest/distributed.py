"""Scaled-out processing: one Celery task per page, a join per document, then understanding + save + index.

This module holds the steps (`plan_document`, `read_document_page`, `finish_document`) and the `worker` / `submit` / `db` / `reindex` commands; `ingest.celery_app` wraps the steps in
Celery tasks (Celery is not imported here, so the `donthu` CLI stays quick to start). The steps call the
embedded mode's own functions (`ingest.pipeline.read_page` / `join_pages`, `classify.analyse`,
`records.store.Store.save_result`, `ingest.indexing.index_document`); only the scheduling differs:

    submit ─ document(id)  sniff, count pages, claim          ─┐   (queue "intake" or "archive";
             page(id, n)   one per page: image → read_page    ─┤    every task of a document stays
             finish(id)    join_pages → analyse → save → index ┘    on the queue it was submitted to)

Idempotence (a message may be delivered more than once: acks_late, a worker killed mid-task):
* page results are upserted into `page_results` keyed (document_id, page_number); a page already done is
  not read again; a page held by a live worker is left to it;
* the join is counted in the database: every page task, after storing its page, counts the pages done and
  enqueues `finish` when all are there (several may: `finish` is idempotent). Not a Celery chord: a chord's
  Redis counter counts a redelivered header task twice (an early or a lost callback);
* `finish` runs under a per-document lock (PostgreSQL advisory lock; SQLite serialises writers anyway),
  does nothing but re-index a document already done, and `save_result` replaces pages/words/entities
  in one transaction, the index replaces the document's pages: nothing is ever duplicated.

Poison files: each delivery of a document's planning task and of each page task is counted before the
risky work starts (`document_jobs.attempts`, `page_results.attempts`); past DONTHU_MAX_ATTEMPTS the
document is marked failed ("gave up after N attempts ...") or the page recorded with that error (a
document whose pages all failed is failed). Bad input (`DonthuError`: damaged, encrypted, too large) fails
at once with its reason, without retries. Transient faults (database, broker, index unreachable) are
retried with exponential backoff (see `ingest.celery_app`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, text, update

# ScaleSettings / load_scale_settings live in donthu.config (options are read there only); re-exported here
from donthu.config import ScaleSettings, Settings, load_scale_settings, load_settings  # noqa: F401
from donthu.types import DonthuError, PageResult, Word
from ingest.tasks import _index, _store  # the per-process store and index, shared with the local pool
from records.tables import document_jobs, documents, page_results

log = logging.getLogger(__name__)

#: PostgreSQL advisory lock class of `finish` (second key: the document id)
_FINISH_LOCK = 0x646F6E75


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# -------------------------------------------------------------------------------------------- tasks
#: task names (the Celery tasks are defined in ingest.celery_app)
DOCUMENT, PAGE, FINISH = "donthu.document", "donthu.page", "donthu.finish"
#: message priorities on Redis (0 is taken first; kombu keeps one list per level and a queue's levels are
#: polled in order): within a queue a document's finish, then pages, then the planning of the next document,
#: so a batch's documents are finished one after another while it runs instead of all at its end (a
#: first-in-first-out queue holds every document's finish behind every page of the batch); every intake
#: level before every archive level
_STEP_RANK = {FINISH: 0, PAGE: 1, DOCUMENT: 2}
PRIORITY_STEPS = tuple(range(2 * len(_STEP_RANK)))


def task_priority(name: str, queue: str, scale: ScaleSettings) -> int:
    """The priority of task `name` on the real queue `queue` (see PRIORITY_STEPS)."""
    return _STEP_RANK[name] + (0 if queue == scale.intake_queue else len(_STEP_RANK))


@functools.lru_cache(maxsize=1)
def worker_settings() -> Settings:
    """The settings of this worker process (environment, data dir made absolute)."""
    settings = load_settings()
    return settings.with_data_dir(settings.data_dir.resolve())


@contextmanager
def _write(store) -> Iterator[Connection]:
    """A write transaction on the store's engine (SQLite: BEGIN IMMEDIATE, like the store's own)."""
    with store.engine.connect() as conn:
        conn.execution_options(donthu_write=True)
        with conn.begin():
            yield conn


def _upsert_insert(conn: Connection):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


# -------------------------------------------------------------------------------------------- page results
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
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
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
            .values(status="running", attempts=attempts, owner=_owner(), updated_at=_now())
        )
        return "run", attempts


def save_page(store, document_id: int, result: PageResult) -> None:
    with _write(store) as conn:
        insert = _upsert_insert(conn)
        stmt = insert(page_results).values(
            document_id=document_id, page_number=result.number, status="done", attempts=1, owner=_owner(),
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


# -------------------------------------------------------------------------------------------- pages
def assemble(info, mime: str, pages: list[PageResult]):
    """The record of a document from its page results, exactly as `process_bytes` builds it."""
    from donthu.schema import Record
    from ingest import pipeline

    record = Record(file=info.file, sha256=info.sha256, mime=mime,
                    errors=[f"page {p.number}: {p.error}" for p in pages if p.error])
    return pipeline.assemble(record, pages), pipeline.all_failed(pages)


# -------------------------------------------------------------------------------------------- steps
# The three steps the Celery tasks of `ingest.celery_app` run; `send_many(name, [args, ...], queue)`
# enqueues tasks (the Celery app is not imported here, so the `donthu` CLI stays quick to start).
SendMany = Callable[[str, list[tuple], str], None]


def plan_document(document_id: int, queue: str, scale: ScaleSettings, send_many: SendMany) -> str:
    """Check a document, count its pages, fan out one page task per page not yet read."""
    settings = worker_settings()
    store = _store(settings)
    info = store.get(document_id)
    if info is None:
        return "missing"
    if info.status == "done":
        return "skipped"
    attempts = _count_attempt(store, document_id, queue)
    if attempts > scale.max_attempts:
        return _fail(store, document_id, give_up_message(attempts - 1))
    if not store.claim(document_id, stale_after=0):
        return "skipped"  # done meanwhile, or claimed by a concurrent duplicate of this message
    try:
        data = store.read_original(info.sha256)
    except FileNotFoundError:
        return _fail(store, document_id, "the original is missing from the originals folder "
                                         "(is DONTHU_DATA_DIR shared between submitters and workers?)")
    try:
        from ingest.pages import plan_file

        mime, total = plan_file(data, settings)
    except DonthuError as exc:
        return _fail(store, document_id, str(exc))
    _set_job(store, document_id, mime=mime, pages_total=total, queue=queue)
    done = _done_numbers(store, document_id)
    store.set_progress(document_id, len(done), total)
    todo = [n for n in range(1, total + 1) if n not in done]
    if not todo:  # every page was read by an earlier delivery of this message
        send_many(FINISH, [(document_id,)], queue)
        return "pages already read"
    send_many(PAGE, [(document_id, number) for number in todo], queue)
    return f"planned {len(todo)} of {total} pages"


def read_document_page(document_id: int, number: int, queue: str | None, scale: ScaleSettings,
                       send_many: SendMany, transient: tuple[type[BaseException], ...] = ()) -> str:
    """Read one page (OCR or text layer) into `page_results`; enqueue the finish when it was the last."""
    settings = worker_settings()
    store = _store(settings)
    info = store.get(document_id)
    if info is None or info.status in ("done", "failed"):
        return "skipped"
    state, attempts = begin_page(store, document_id, number, scale)
    if state == "busy":
        return "busy"
    if state == "run":
        if attempts > scale.max_attempts:
            result = PageResult(number=number, source="ocr", text="", confidence=None,
                                error=give_up_message(attempts - 1, "this page"))
        else:
            result = _read(store, info, number, settings, transient)
        save_page(store, document_id, result)
    meta = job(store, document_id) or {}
    total = int(meta.get("pages_total") or 0)
    done = _count_done(store, document_id)
    if total:
        store.set_progress(document_id, min(done, total), total)
    if total and done >= total:
        send_many(FINISH, [(document_id,)], queue or meta.get("queue"))
    return "done"


def _read(store, info, number: int, settings: Settings, transient: tuple[type[BaseException], ...]) -> PageResult:
    from ingest.pipeline import read_page

    try:
        data = store.read_original(info.sha256)
        mime = (job(store, info.id) or {}).get("mime")
        if not mime:
            from ingest.pages import plan_file

            mime, _ = plan_file(data, settings)
        from ingest.pages import page_at

        return read_page(page_at(data, mime, number, settings), settings)
    except transient:
        raise  # retried by the task
    except (DonthuError, IndexError, FileNotFoundError) as exc:
        return PageResult(number=number, source="ocr", text="", confidence=None, error=str(exc))
    except Exception as exc:  # a bug on one page must not sink the document
        log.exception("page %s of document %s", number, info.id)
        return PageResult(number=number, source="ocr", text="", confidence=None,
                          error=f"internal error: {type(exc).__name__}: {exc}")


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


def finish_document(document_id: int) -> str:
    """Join the pages, understand, save and index the document (once, however often it is called)."""
    from ingest.indexing import reindex_stored

    settings = worker_settings()
    store = _store(settings)
    with _finish_lock(store, document_id):
        info = store.get(document_id)
        if info is None:
            return "missing"
        if info.status == "done":
            # a redelivery after a crash between save and index: index again (corrections applied)
            reindex_stored(store, _index(settings), document_id)
            _cleanup(store, document_id)
            return "skipped"
        if info.status == "failed":
            return "failed"
        meta = job(store, document_id) or {}
        total = int(meta.get("pages_total") or 0)
        pages = done_pages(store, document_id)
        if not total or len(pages) < total:
            return "incomplete"  # the last page task enqueues the finish again
        record, failed = assemble(info, meta.get("mime") or "application/octet-stream", pages[:total])
        if failed:
            return _fail(store, document_id, "; ".join(record.errors) or "no page could be read")
        store.save_result(document_id, record, pages[:total])
        reindex_stored(store, _index(settings), document_id)  # as every reader sees it (corrections kept)
        _set_job(store, document_id, finished_at=_now())
    _cleanup(store, document_id)
    return "done"


def fail_document(document_id: int, error: str) -> None:
    """Mark a document failed (a task out of retries)."""
    _fail(_store(worker_settings()), document_id, error)


def _cleanup(store, document_id: int) -> None:
    with _write(store) as conn:
        conn.execute(delete(page_results).where(page_results.c.document_id == document_id))


# -------------------------------------------------------------------------------------------- submitting
def enqueue(store, document_id: int, queue: str = "archive", *, client=None) -> None:
    """Queue one stored document for the workers ("intake" or "archive"); what the API calls.

    `client`: another Celery app to send with (made by `ingest.celery_app.make_app`), e.g. for another
    broker or queue prefix than this process's environment names.
    """
    if client is None:
        from ingest.celery_app import app as client
    real = client.conf.donthu_scale.queue(queue)
    reset_job(store, document_id, real)
    client.send_task(DOCUMENT, (document_id,), queue=real,
                     priority=task_priority(DOCUMENT, real, client.conf.donthu_scale))


def submit_paths(paths: list[str], settings: Settings, *, queue: str = "archive",
                 dossier_per_folder: bool = False, label: str | None = None, client=None,
                 excluded: list | None = None):
    """Admit files (`ingest.intake.admit`, as `donthu ingest` does) and queue them; returns (batch id, items,
    ids). Folders left out (the data folder and anything under it) are appended to `excluded`."""
    from ingest.batch import _queue_files
    from ingest.sources import walk
    from records.store import Store

    store = Store(settings)
    try:
        batch_id = store.create_batch(label or " ".join(str(p) for p in paths)[:200])
        sources = walk(paths, exclude=[settings.data_dir], excluded=excluded)
        items, to_run = _queue_files(store, batch_id, sources, settings, dossier_per_folder)
        for document_id in to_run:
            enqueue(store, document_id, queue, client=client)
        return batch_id, items, list(to_run)
    finally:
        store.close()


def wait_for(settings: Settings, document_ids: list[int], timeout: float | None = None,
             poll: float = 0.5) -> dict[int, str]:
    """Block until every document is done or failed (or the timeout passes); their statuses."""
    from records.store import Store

    store = Store(settings)
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            with store.engine.connect() as conn:
                rows = dict(conn.execute(
                    select(documents.c.id, documents.c.status).where(documents.c.id.in_(document_ids))
                ).all()) if document_ids else {}
            if all(rows.get(d) in ("done", "failed") for d in document_ids):
                return rows
            if deadline is not None and time.monotonic() > deadline:
                return rows
            time.sleep(poll)
    finally:
        store.close()


def reindex(settings: Settings, backend: str, batch: int = 200) -> int:
    """Index every done document again into `backend` ("elasticsearch" or "sqlite"), as every reader sees
    it (`records.read`: corrections applied); the count."""
    from ingest.indexing import stored_index_documents
    from records.store import Store
    from search import open_backend

    store = Store(settings)
    index = open_backend(dataclasses.replace(settings, search_backend=backend))
    count = 0
    try:
        for docs in stored_index_documents(store, batch):
            index.index_many(docs)
            count += len(docs)
        if hasattr(index, "refresh"):
            index.refresh()
        return count
    finally:
        index.close()
        store.close()


# -------------------------------------------------------------------------------------------- CLI
def cmd_worker(args, settings: Settings) -> int:
    os.environ["DONTHU_DATA_DIR"] = str(settings.data_dir)  # the worker processes read their settings
    from ingest.celery_app import app, scale_settings

    queues = [scale_settings.queue(q.strip()) for q in args.queues.split(",") if q.strip()]
    argv = ["worker", "-Q", ",".join(queues), "-c", str(args.concurrency or settings.workers),
            "-n", args.hostname or f"donthu-{os.getpid()}@%h", f"--loglevel={args.loglevel}"]
    app.worker_main(argv)
    return 0


def cmd_submit(args, settings: Settings) -> int:
    started = time.perf_counter()
    excluded: list = []
    batch_id, items, ids = submit_paths(args.paths, settings, queue=args.queue,
                                        dossier_per_folder=args.dossier_per_folder, excluded=excluded)
    for folder in excluded:
        print(f"  skipped  {folder}: the data folder (records, index, originals) is not input")
    skipped = [i for i in items if i.outcome == "skipped"]
    failed = [i for i in items if i.outcome == "failed"]
    print(f"batch {batch_id}: {len(ids)} queued on {args.queue}, {len(skipped)} skipped, {len(failed)} failed")
    for item in failed:
        print(f"  FAILED   {item.file}: {item.error}")
    if not args.wait or not ids:
        return 1 if failed else 0
    statuses = wait_for(settings, ids, timeout=args.timeout)
    seconds = time.perf_counter() - started
    from records.store import Store

    store = Store(settings)
    pages, bad = 0, 0
    for document_id in ids:
        info = store.get(document_id)
        status = statuses.get(document_id, "?")
        store.update_batch_item(batch_id, document_id, status if status in ("done", "failed") else "queued",
                                info.error if status == "failed" else None)
        if status == "done":
            pages += info.pages_total
        elif status == "failed":
            bad += 1
            print(f"  FAILED   {info.file}: {info.error}")
    store.close()
    done = sum(1 for s in statuses.values() if s == "done")
    print(f"{done} done, {bad} failed, {len(ids) - done - bad} unfinished; {pages} pages in {seconds:.1f} s "
          f"({pages / seconds if seconds else 0:.2f} pages/s)")
    return 1 if bad or failed or done + bad < len(ids) else 0


def cmd_db(args, settings: Settings) -> int:
    from records.migrations import current, upgrade

    if args.db_command == "upgrade":
        upgrade(settings, args.revision)
    print(f"database at revision {current(settings)}")
    return 0


def cmd_reindex(args, settings: Settings) -> int:
    import sys

    from elastic_transport import ConnectionError as IndexUnreachable

    try:
        count = reindex(settings, args.to)
    except ValueError as exc:  # e.g. elasticsearch without DONTHU_ES_URL
        print(exc, file=sys.stderr)
        return 2
    except (IndexUnreachable, ConnectionError) as exc:
        print(f"the index cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(f"{count} documents indexed into {args.to}")
    return 0


def add_commands(sub) -> None:
    """Register `worker`, `submit`, `db upgrade` and `reindex` on the `donthu` sub-command parser."""
    p = sub.add_parser("worker", help="a Celery worker (scale-out mode)")
    p.add_argument("--queues", default="intake,archive",
                   help="comma-separated, polled in this order (default intake,archive: intake first)")
    p.add_argument("--concurrency", type=int, help="worker processes (default DONTHU_WORKERS or all cores)")
    p.add_argument("--hostname", help="Celery node name (default donthu-PID@HOST)")
    p.add_argument("--loglevel", default="INFO")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("submit", help="store files and queue them for the Celery workers")
    p.add_argument("paths", nargs="+")
    p.add_argument("--queue", choices=["intake", "archive"], default="archive")
    p.add_argument("--dossier-per-folder", action="store_true")
    p.add_argument("--wait", action="store_true", help="wait until all are processed; print pages/s")
    p.add_argument("--timeout", type=float, help="seconds to wait at most (with --wait)")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("db", help="database schema (Alembic migrations)")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="migrate the records database to the latest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db)
    cur = dbsub.add_parser("current", help="print the database's schema revision")
    cur.set_defaults(func=cmd_db)

    p = sub.add_parser("reindex", help="index every done document again (e.g. into Elasticsearch)")
    p.add_argument("--to", choices=["elasticsearch", "sqlite"], default="elasticsearch")
    p.set_defaults(func=cmd_reindex)


def main(argv: list[str] | None = None) -> int:
    """`python -c "from ingest.distributed import main; main()" submit ...`: these commands without the
    `donthu` entry point (which calls `add_commands` too)."""
    import argparse

    parser = argparse.ArgumentParser(prog="donthu")
    parser.add_argument("--data-dir")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.data_dir:
        settings = settings.with_data_dir(args.data_dir)
    settings = settings.with_data_dir(settings.data_dir.resolve())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return args.func(args, settings)
