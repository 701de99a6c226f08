"""Scaled-out processing: one Celery task per page, a join per document, then understanding + save + index.

This module holds the steps (`plan_document`, `read_document_page`, `finish_document`); their state in the
database is kept by `ingest.jobs`, submitting is `ingest.submit`, the commands are `cli.scale`;
`ingest.celery_app` wraps the steps in
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

import functools
import logging
from collections.abc import Callable

# ScaleSettings / load_scale_settings live in donthu.config (options are read there only); re-exported here
from donthu.config import ScaleSettings, Settings, load_scale_settings, load_settings  # noqa: F401
from donthu.schema import Record
from donthu.types import DonthuError, PageResult
from ingest import pipeline
from ingest.indexing import reindex_stored
from ingest.jobs import (_cleanup, _count_attempt, _count_done, _done_numbers, _fail, _finish_lock, _now,
                         _set_job, begin_page, done_pages, give_up_message, job, save_page)
from ingest.pages import page_at, plan_file
from ingest.tasks import _index, _store  # the per-process store and index, shared with the local pool

log = logging.getLogger(__name__)


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


# -------------------------------------------------------------------------------------------- page results


# -------------------------------------------------------------------------------------------- pages
def assemble(info, mime: str, pages: list[PageResult]):
    """The record of a document from its page results, exactly as `process_bytes` builds it."""
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
    try:
        data = store.read_original(info.sha256)
        mime = (job(store, info.id) or {}).get("mime")
        if not mime:
            mime, _ = plan_file(data, settings)
        return pipeline.read_page(page_at(data, mime, number, settings), settings)
    except transient:
        raise  # retried by the task
    except (DonthuError, IndexError, FileNotFoundError) as exc:
        return PageResult(number=number, source="ocr", text="", confidence=None, error=str(exc))
    except Exception as exc:  # a bug on one page must not sink the document
        log.exception("page %s of document %s", number, info.id)
        return PageResult(number=number, source="ocr", text="", confidence=None,
                          error=f"internal error: {type(exc).__name__}: {exc}")


def finish_document(document_id: int) -> str:
    """Join the pages, understand, save and index the document (once, however often it is called)."""
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
