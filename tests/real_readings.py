"""The shared real pages (../shared/real-scans) read once per test session by the whole pipeline with the
default settings, two pages at a time in worker processes (one thread each, as the ingest pool runs them).

Several suites judge the same readings — word recall against the transcriptions (test_real_pages), the
handwriting flag (test_handwriting), what the understanding makes of official letters (test_wordings) —
and a page read with the same settings gives the same result, so each page is read once, not once per suite.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from donthu.config import Settings

#: two processes: this machine kind has two cores
WORKERS = 2


def _init() -> None:
    from ingest.tasks import one_thread_per_process

    one_thread_per_process()


def _read(path: str):
    from ingest.pipeline import process_bytes

    file = Path(path)
    return process_bytes(file.read_bytes(), file.name, Settings())


def read_all(paths: list[Path]) -> dict[str, object]:
    """file name → `ingest.pipeline.ProcessedDocument` for each of `paths`, read in parallel."""
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_init) as pool:
        results = pool.map(_read, [str(p) for p in paths])
        return {p.name: r for p, r in zip(paths, results)}
