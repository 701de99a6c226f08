"""The embedded mode's local worker pool: processes on this machine, no broker to install."""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import Future, ProcessPoolExecutor

from donthu.config import Settings


def _init_worker(settings: Settings) -> None:
    from ingest.tasks import one_thread_per_process, warm_up

    one_thread_per_process()  # Tesseract and OpenCV: the pool provides the parallelism
    # Ctrl-C is the parent's to handle (it stops the pool); a worker must not swallow it as a task error
    # and go on with the next pre-queued document
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(settings)


def _run(document_id: int, settings: Settings) -> str:
    from ingest.tasks import run_document

    return run_document(document_id, settings)


class LocalPool:
    """`submit(document_id)` runs `ingest.tasks.run_document` in one of `settings.workers` processes."""

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.workers = workers or settings.workers
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(settings,),
        )

    def submit(self, document_id: int) -> Future:
        return self._executor.submit(_run, document_id, self.settings)

    def shutdown(self, wait: bool = True, cancel: bool = False) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=cancel)

    def terminate(self) -> None:
        """Stop now (an interrupted batch): cancel what has not started and end the worker processes.

        A document being processed stays "processing" with a dead owner; the next run claims it again.
        """
        processes = list((self._executor._processes or {}).values())  # CPython's executor keeps them here
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)

    def __enter__(self) -> "LocalPool":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown(wait=True, cancel=exc[0] is not None)
