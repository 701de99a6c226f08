"""Hardening items that need the real server (`donthu serve`, uvicorn, the local worker pool) and real
processes: the request body is cut off as it arrives, and the pool's workers do not outlive a server that
was killed with `kill -9`. (The others are in tests/test_api_hardening.py; probes in docs/hardening.md.)"""

from __future__ import annotations

import io
import os
import select
import signal
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from accounts import cli_token
from conftest import start_serve, stop

pytestmark = pytest.mark.slow


def children_of(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`, and theirs, from /proc."""
    found: list[int] = []
    parents = {pid}
    for _ in range(4):
        new = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) in parents and fields[0] != "Z" and int(entry.name) not in found:
                new.append(int(entry.name))
        if not new:
            break
        found.extend(new)
        parents = set(new)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def test_chunked_upload_is_cut_off_at_the_limit(tmp_path: Path) -> None:
    """Probe: a chunked upload (no Content-Length) was read to its end before the 413 — 1.5 GB written to
    a temporary file for a 512 MB limit. Now the server answers 413 once the bytes received pass the limit
    and stops reading; what the client managed to send is bounded by the socket buffers."""
    limit = 1 << 20
    proc, base = start_serve(tmp_path / "data", tmp_path / "serve.log", env={"DONTHU_MAX_FILE_BYTES": str(limit)})
    try:
        host, port = urlsplit(base).hostname, urlsplit(base).port
        sock = socket.create_connection((host, port), timeout=30)
        sock.sendall(b"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n")

        def chunk(data: bytes) -> bytes:
            return b"%x\r\n" % len(data) + data + b"\r\n"

        sock.sendall(chunk(b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n'))
        sent, block, goal = 0, bytes(64 * 1024), 400 << 20
        try:
            while sent < goal:
                sock.sendall(chunk(block))
                sent += len(block)
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = b""
        try:
            while b"\r\n\r\n" not in response:
                part = sock.recv(65536)
                if not part:
                    break
                response += part
        except (ConnectionResetError, socket.timeout):
            pass
        sock.close()
        assert response.startswith(b"HTTP/1.1 413"), response[:200]
        assert sent < 64 << 20, f"{sent / 2**20:.0f} MB sent before the 413"
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200  # the server is fine
    finally:
        stop(proc)
    originals = tmp_path / "data" / "originals"
    assert not originals.exists() or not [p for p in originals.rglob("*") if p.is_file()]


def test_pool_workers_exit_when_the_server_is_killed(tmp_path: Path) -> None:
    """Probe: after `kill -9` of `donthu serve`, its pool's worker processes kept running, re-parented,
    for good. Now each worker watches its parent and exits within about a second."""
    auth = cli_token(tmp_path / "data", "officer", "officer")  # a real user and token (`donthu user/token add`)
    proc, base = start_serve(tmp_path / "data", tmp_path / "serve.log", env={"DONTHU_WORKERS": "2"})
    workers: list[int] = []
    try:
        out = io.BytesIO()
        Image.new("L", (400, 300), 250).save(out, format="PNG")
        r = httpx.post(f"{base}/documents", files={"file": ("trang.png", out.getvalue(), "image/png")}, timeout=30,
                       headers=auth)
        assert r.status_code == 202
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            workers = children_of(proc.pid)
            if workers:
                break
            time.sleep(0.2)
        assert workers, "the pool started no worker process"
        time.sleep(2)  # the workers are past their start-up (the watcher runs from the initializer)
        workers = children_of(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in workers):
            time.sleep(0.2)
        left = [p for p in workers if alive(p)]
        assert not left, f"processes left running after kill -9 of the server: {left}"
    finally:
        if proc.poll() is None:
            stop(proc)
        for pid in workers:  # left only if the test failed: ours to end
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
