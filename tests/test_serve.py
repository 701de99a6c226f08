"""`donthu serve` starts the real service (uvicorn + local worker pool) and answers over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_health_and_upload_errors(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "donthu.cli", "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                health = httpx.get(f"{base}/health", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.5)
        else:
            pytest.fail("donthu serve did not start within 120 s")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"{base}/docs", timeout=5).status_code == 200
        empty = httpx.post(f"{base}/documents", files={"file": ("empty.pdf", b"", "application/pdf")}, timeout=10)
        assert empty.status_code == 400 and "empty" in empty.json()["detail"].lower()
        assert httpx.get(f"{base}/documents/999", timeout=5).status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=60)
