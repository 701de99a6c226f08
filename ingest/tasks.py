"""Task functions: the unit of work both the local pool and Celery workers run.

A task is idempotent: it claims the document (a document already done is left alone), runs the pipeline,
saves the result in one transaction (replacing any earlier partial result) and indexes it.
"""

from __future__ import annotations

import functools
import logging
import os
import traceback

from donthu.config import Settings
from ingest.indexing import open_index, reindex_stored
from records.store import Store

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _store(settings: Settings):
    return Store(settings)


@functools.lru_cache(maxsize=4)
def _index(settings: Settings):
    return open_index(settings, _store(settings))  # built from the records first when missing


def one_thread_per_process() -> None:
    """A worker process reads with one thread: the pool's processes are the parallelism. Tesseract's OpenMP
    threads and OpenCV's own thread pool would otherwise oversubscribe the cores (and make one worker use
    more than one core). An OMP_THREAD_LIMIT set in the environment wins."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import cv2

        cv2.setNumThreads(int(os.environ["OMP_THREAD_LIMIT"]))
    except (ImportError, ValueError):
        pass


def warm_up(settings: Settings) -> None:
    """Load the models and open connections once per worker process."""
    from classify import analyse
    from ocr import engine, textlayer  # noqa: F401 - imported here, not on the first document

    _store(settings)
    _index(settings)
    engine.backend(settings.ocr_lang, choice=settings.ocr_backend)  # the in-process Tesseract (tesserocr), loaded once per worker
    from ocr import engines

    engines.engine_for(settings)  # the configured OCR engine's models (TrueOCR's ONNX sessions), once
    analyse("Kính gửi: Ủy ban nhân dân huyện Chợ Mới")


def run_document(document_id: int, settings: Settings) -> str:
    """Process one stored document; returns its final status ("done", "failed" or "skipped")."""
    from ingest.pipeline import process_bytes

    store = _store(settings)
    if not store.claim(document_id):
        return "skipped"
    info = store.get(document_id)
    try:
        data = store.read_original(info.sha256)
        result = process_bytes(
            data, info.file, settings,
            on_page=lambda done, total: store.set_progress(document_id, done, total),
        )
        if result.failed:
            store.mark_failed(document_id, "; ".join(result.record.errors) or "no page could be read")
            return "failed"
        store.save_result(document_id, result.record, result.pages)
        # indexed as every reader sees it: a document processed again keeps its corrections
        reindex_stored(store, _index(settings), document_id)
        return "done"
    except Exception as exc:  # one bad file must never stop a batch
        log.error("document %s failed:\n%s", document_id, traceback.format_exc())
        store.mark_failed(document_id, f"internal error: {type(exc).__name__}: {exc}")
        return "failed"
