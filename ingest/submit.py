"""Submitting to the scale-out workers: admit files through the one intake path (`ingest.intake.admit`, as
`donthu ingest` does), queue each stored document's planning task on the intake or archive queue, and wait
for documents to finish. Used by `donthu submit`, the API in Celery mode, tests and benchmarks."""

from __future__ import annotations

import time

from sqlalchemy import select

from donthu.config import Settings
from ingest.batch import _queue_files
from ingest.distributed import DOCUMENT, task_priority
from ingest.jobs import reset_job
from ingest.sources import walk
from records.store import Store
from records.tables import documents


def enqueue(store, document_id: int, queue: str = "archive", *, client=None) -> None:
    """Queue one stored document for the workers ("intake" or "archive"); what the API calls.

    `client`: another Celery app to send with (made by `ingest.celery_app.make_app`), e.g. for another
    broker or queue prefix than this process's environment names.
    """
    if client is None:  # this process's Celery app, made from the environment when first needed
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
