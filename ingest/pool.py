"""The embedded mode's local worker pool: processes on this machine, no broker to install.

A worker ends itself when the process that started it dies, even by `kill -9` (which lets the parent clean
nothing up): a watcher thread in each worker sees its parent change (the orphan is re-parented) and exits
within `PARENT_POLL_SECONDS`. A document it was processing stays "processing" with a dead owner; the next
run claims it again.

Not prctl(PR_SET_PDEATHSIG): Linux sends that signal when the *thread* that forked the worker ends, and
ProcessPoolExecutor forks from whichever thread calls submit() — in the service a request thread of the
thread pool, which ends after a few idle seconds while the parent lives on: the worker would be killed in
the middle of a document.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor

from donthu.config import Settings

#: how often a worker's watcher thread looks at its parent (seconds)
PARENT_POLL_SECONDS = 1.0


def _die_with_parent(parent: int) -> None:
    """Exit (without cleaning up: the parent is gone) as soon as process `parent` is no longer ours."""
    if os.getppid() != parent:  # died before this worker started
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_worker(settings: Settings, parent: int | None = None) -> None:
    from ingest.tasks import one_thread_per_process, warm_up

    if parent is not None:
        _die_with_parent(parent)
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
            initargs=(settings, os.getpid()),
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
