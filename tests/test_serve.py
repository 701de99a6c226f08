"""`donthu serve` starts the real service (uvicorn + local worker pool) and answers over HTTP."""

from __future__ import annotations

import httpx
import pytest

from conftest import start_serve, stop
from tests.accounts import cli_token

pytestmark = pytest.mark.slow


def test_serve_answers_health_and_upload_errors(tmp_path):
    # --port 0: the OS chooses the port and uvicorn holds it (no free port guessed, then raced for)
    auth = cli_token(tmp_path / "data")
    proc, base = start_serve(tmp_path / "data", tmp_path / "serve.log")
    try:
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 401  # the API docs need a login too
        assert httpx.get(f"{base}/docs", timeout=5, headers=auth).status_code == 200
        assert httpx.get(f"{base}/documents/999", timeout=5).status_code == 401
        empty = httpx.post(f"{base}/documents", files={"file": ("empty.pdf", b"", "application/pdf")}, timeout=10,
                           headers=auth)
        assert empty.status_code == 400 and "empty" in empty.json()["detail"].lower()
        assert httpx.get(f"{base}/documents/999", timeout=5, headers=auth).status_code == 404
        found = httpx.get(f"{base}/search", params={"q": "Trần Thị Bảy"}, timeout=10, headers=auth)
        assert found.status_code == 200
    finally:
        stop(proc)
    # the access log has the request but not the search terms (names); the audit trail has them
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert '"GET /search HTTP/1.1" 200' in log
    assert "Tr%E1%BA%A7n" not in log and "Trần" not in log and "q=" not in log
