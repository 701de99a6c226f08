"""The embedded worker pool: each worker process reads with one thread (the pool is the parallelism)."""

from __future__ import annotations

import os
from pathlib import Path

import cv2

from donthu.config import Settings
from ingest.pool import LocalPool


def _threads() -> tuple[int, str | None]:
    return cv2.getNumThreads(), os.environ.get("OMP_THREAD_LIMIT")


def test_each_worker_uses_one_opencv_and_one_tesseract_thread(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    pool = LocalPool(Settings(data_dir=tmp_path / "data"), workers=2)
    try:
        results = [pool._executor.submit(_threads).result(timeout=120) for _ in range(4)]
    finally:
        pool.shutdown()
    assert set(results) == {(1, "1")}
