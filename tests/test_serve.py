"""`donthu serve` starts the real service (uvicorn + local worker pool) and answers over HTTP."""

from __future__ import annotations

import httpx
import pytest

from conftest import start_serve, stop

pytestmark = pytest.mark.slow


def test_serve_answers_health_and_upload_errors(tmp_path):
    # --port 0: the OS chooses the port and uvicorn holds it (no free port guessed, then raced for)
    proc, base = start_serve(tmp_path / "data", tmp_path / "serve.log")
    try:
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
        empty = httpx.post(f"{base}/documents", files={"file": ("empty.pdf", b"", "application/pdf")}, timeout=10)
        assert empty.status_code == 400 and "empty" in empty.json()["detail"].lower()
        assert httpx.get(f"{base}/documents/999", timeout=5).status_code == 404
    finally:
        stop(proc)
