"""`donthu ingest`: a resumable batch over files and folders.

Every file is stored (original once, by SHA-256) and queued before any processing starts, so an
interrupted run leaves queued documents behind and the next run finishes only those; files already done
are skipped by content hash, whatever their name.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from donthu.config import Settings
from ingest.indexing import reindex_stored
from ingest.intake import admit, admit_photos
from ingest.pool import LocalPool
from ingest.sources import SourceFile, walk
from records.store import Store
from search import open_backend

Outcome = Literal["done", "skipped", "failed", "queued"]

#: how often a document is tried when its worker process dies under it
MAX_ATTEMPTS = 2


@dataclass
class ItemOutcome:
    file: str
    outcome: Outcome
    document_id: int | None = None
    error: str | None = None
    pages: int = 0


@dataclass
class BatchReport:
    batch_id: int
    items: list[ItemOutcome] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    #: folders left out of the walk: the data folder (records, index, originals) and anything under it
    excluded: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def pages_processed(self) -> int:
        return sum(item.pages for item in self.items if item.outcome in ("done", "failed"))

    @property
    def failed(self) -> list[ItemOutcome]:
        return [item for item in self.items if item.outcome == "failed"]


def _queue_files(store, batch_id: int, sources: list[SourceFile], settings: Settings,
                 dossier_per_folder: bool, unit: str = "", as_one: bool = False
                 ) -> tuple[list[ItemOutcome], dict[int, ItemOutcome]]:
    """Admit each file (`ingest.intake.admit`; with `as_one`, all the files together as one letter,
    `ingest.intake.admit_photos`); returns all items and the ones to run by document id: new files, earlier
    failures tried again, and documents an interrupted run left queued or processing."""
    items: list[ItemOutcome] = []
    to_run: dict[int, ItemOutcome] = {}
    dossiers: dict[Path, int] = {}
    seen: dict[str, str] = {}
    groups: list[list[SourceFile]] = [sources] if as_one and sources else [[src] for src in sources]
    for group in groups:
        src = group[0]
        name = str(src.path) + (f" (+{len(group) - 1} ảnh)" if len(group) > 1 else "")

        def dossier(folder: Path = src.folder) -> int:
            if folder not in dossiers:
                dossiers[folder] = store.create_dossier(folder.name, str(folder))
            return dossiers[folder]

        options = dict(batch_id=batch_id, seen=seen, dossier=dossier if dossier_per_folder else None, unit=unit)
        if len(group) > 1:
            try:
                parts = [(str(s.path), s.path.read_bytes()) for s in group]
            except OSError as exc:
                items.append(ItemOutcome(name, "failed", error=f"cannot read the file: {exc}"))
                continue
            admission = admit_photos(store, parts, name, settings, **options)
        else:
            admission = admit(store, src.path, name, settings, **options)
        if admission.action == "refused":
            items.append(ItemOutcome(name, "failed", error=admission.reason))
        elif admission.action == "duplicate":
            items.append(ItemOutcome(name, "skipped", admission.document_id, admission.reason,
                                     admission.pages if admission.document_id else 0))
        else:  # new, retry, pending: run it (a document another process holds is waited for)
            item = ItemOutcome(name, "queued", admission.document_id, pages=admission.pages)
            items.append(item)
            to_run[admission.document_id] = item
    return items, to_run


def ingest_paths(
    paths: list[str | Path],
    settings: Settings,
    *,
    dossier_per_folder: bool = False,
    progress: bool = True,
    workers: int | None = None,
    label: str | None = None,
    unit: str = "",
    as_one: bool = False,
) -> BatchReport:
    """Ingest files and folders; `as_one`: all the files given are the photos of one letter (one document,
    one page per photo, in the order given)."""
    started = time.perf_counter()
    store = Store(settings)
    excluded: list[Path] = []
    sources = walk(paths, exclude=[settings.data_dir], excluded=excluded)
    batch_id = store.create_batch(label or " ".join(str(p) for p in paths)[:200])
    items, to_run = _queue_files(store, batch_id, sources, settings, dossier_per_folder, unit, as_one)
    report = BatchReport(batch_id, items, excluded=[str(p) for p in excluded])
    if to_run:
        report.interrupted = _run_all(store, batch_id, to_run, settings, workers, progress)
    report.seconds = time.perf_counter() - started
    store.close()
    return report


def _run_all(store, batch_id: int, to_run: dict[int, ItemOutcome], settings: Settings,
             workers: int | None, progress: bool) -> bool:
    """Process queued documents on the local pool with a progress bar; True when interrupted.

    A worker process that dies (a poison file crashing a native library, the OOM killer) breaks the pool:
    the pool is rebuilt and the unfinished documents resubmitted, each at most MAX_ATTEMPTS times. A document
    another process is already working on (e.g. a running `donthu serve`) is waited for, not failed.
    """
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    total_pages = sum(item.pages for item in to_run.values())
    bar = tqdm(total=total_pages, unit="page", disable=not progress, dynamic_ncols=True,
               desc="ingest", smoothing=0.1)
    attempts = {doc_id: 0 for doc_id in to_run}
    order = list(to_run)  # submission order: the first ones are the ones running
    unfinished = set(to_run)
    elsewhere: set[int] = set()
    finished_pages = 0
    pool = LocalPool(settings, workers)
    futures: dict[Future, int] = {}

    def submit(doc_id: int) -> None:
        attempts[doc_id] += 1
        futures[pool.submit(doc_id)] = doc_id

    def finish(doc_id: int, ours: bool = True) -> None:
        """Record the document's final state; done by another process (a second `donthu ingest` of the
        same folder, a running `donthu serve`), it counts as skipped here, not done twice."""
        nonlocal finished_pages
        info = store.get(doc_id)
        item = to_run[doc_id]
        if info.status == "done":
            item.outcome, item.error = ("done", None) if ours else ("skipped", "processed by another process")
        else:
            item.outcome, item.error = "failed", info.error or "not processed"
        item.pages = info.pages_total or item.pages
        store.update_batch_item(batch_id, doc_id, item.outcome, item.error)
        finished_pages += item.pages
        unfinished.discard(doc_id)

    try:
        for doc_id in order:
            submit(doc_id)
        while unfinished:
            pending = [f for f in futures if not f.done()]
            if pending:
                wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            else:
                time.sleep(0.5)
            broken = False
            for future in [f for f in futures if f.done()]:
                doc_id = futures.pop(future)
                try:
                    status = future.result()
                except BrokenProcessPool:
                    broken = True
                    if attempts[doc_id] >= MAX_ATTEMPTS:
                        store.mark_failed(doc_id, f"worker process died {attempts[doc_id]} times on this file")
                        finish(doc_id)
                    continue
                if status == "skipped" and store.get(doc_id).status not in ("done", "failed"):
                    elsewhere.add(doc_id)  # claimed by another live process: wait for it
                else:
                    finish(doc_id, ours=status != "skipped")
            for doc_id in list(elsewhere):
                if store.get(doc_id).status in ("done", "failed"):
                    elsewhere.discard(doc_id)
                    finish(doc_id, ours=False)
            if broken:
                pool.shutdown(wait=False, cancel=True)
                pool = LocalPool(settings, workers)
                for doc_id in [d for d in order if d in unfinished and d not in elsewhere]:
                    if doc_id not in futures.values():
                        submit(doc_id)
            running = [d for d in order if d in unfinished][: 2 * pool.workers]
            in_flight = sum(store.get(d).pages_done or 0 for d in running)
            bar.n = min(total_pages, finished_pages + in_flight)
            bar.total = max(total_pages, bar.n)
            bar.refresh()
        pool.shutdown(wait=True)
        return False
    except KeyboardInterrupt:
        pool.terminate()
        _index_interrupted(store, settings, [d for d in order if d in unfinished])
        return True
    finally:
        bar.close()


def _index_interrupted(store, settings: Settings, doc_ids: list[int]) -> None:
    """A worker stopped between saving a document (status done) and indexing it leaves a done document
    that search cannot find, and the next run skips done documents: index those again here (indexing is
    idempotent). A process killed outright (`kill -9`) is caught up by `donthu reindex`."""
    done = [d for d in doc_ids if (info := store.get(d)) is not None and info.status == "done"]
    if not done:
        return
    index = open_backend(settings)
    try:
        for doc_id in done:
            reindex_stored(store, index, doc_id)
    finally:
        index.close()
