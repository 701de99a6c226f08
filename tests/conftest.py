"""Shared test plumbing: the services this machine kind runs, and the skip summary of a run.

Redis (127.0.0.1:6379), PostgreSQL (127.0.0.1:5432, trust), tesserocr built against the system libtesseract
and the real pages in `../shared/real-scans` (beside the repository) are there on every build and CI machine:
a test that needs one and does not find it FAILS with what to start or install, it never skips. Only an
Elasticsearch server (none can run on the build machine; its suite runs when DONTHU_ES_URL is set) may skip,
with the reason printed — and every skip of a run is listed at the end of it.

Test-only overrides (the service itself is configured through donthu/config.py like everywhere else):
DONTHU_TEST_REDIS_URL, DONTHU_TEST_PG_URL (a database the tests may create databases and schemas from),
DONTHU_TEST_REAL_SCANS.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("DONTHU_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PG_URL = os.environ.get("DONTHU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: real pages, read-only, beside the repository (CI has them there too)
REAL_SCANS = Path(os.environ.get("DONTHU_TEST_REAL_SCANS", REPO.parent / "shared" / "real-scans"))


@functools.cache
def _redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return (f"Redis is not reachable at {REDIS_URL} ({exc}). Start it: `redis-server --daemonize yes` or "
                "`service redis-server start` (CI machines run it on 127.0.0.1:6379); "
                "DONTHU_TEST_REDIS_URL points the tests elsewhere.")


@functools.cache
def _postgres_problem() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return None
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        return (f"PostgreSQL is not usable at {PG_URL} ({reason}). Start it: `service postgresql start` "
                "(CI machines run it on 127.0.0.1:5432 with trust authentication for `postgres`); "
                "DONTHU_TEST_PG_URL points the tests elsewhere.")


def require_redis() -> str:
    """The Redis URL the tests use (DB 13); fails the test with what to start when Redis does not answer."""
    problem = _redis_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return REDIS_URL


def require_postgres() -> str:
    """A PostgreSQL URL (libpq form) on which the tests may create databases and schemas."""
    problem = _postgres_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return PG_URL


def require_real_scans() -> Path:
    if not REAL_SCANS.is_dir():
        pytest.fail(f"the real pages are missing: {REAL_SCANS} (the shared folder `../shared/real-scans` beside "
                    "the repository root; CI has it there; DONTHU_TEST_REAL_SCANS points elsewhere)",
                    pytrace=False)
    return REAL_SCANS


# ------------------------------------------------------------------------------ a served app on a held port
_STARTED = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")


def start_serve(data_dir: Path, log: Path, env: dict | None = None, timeout: float = 120
                ) -> tuple[subprocess.Popen, str]:
    """`donthu serve --port 0`: the OS chooses a free port when uvicorn binds it and uvicorn holds it from
    then on (no port guessed by the test and raced for); the port is read from uvicorn's start-up line.
    The output goes to `log` (a pipe nobody reads would block the server once full)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    out = open(log, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "donthu.cli", "--data-dir",
         str(data_dir), "serve", "--port", "0"],
        stdout=out, stderr=subprocess.STDOUT, text=True, cwd=REPO, env=env,
    )
    out.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _STARTED.search(log.read_text(errors="replace"))
        if found:
            return proc, f"http://127.0.0.1:{found[1]}"
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    stop(proc)
    pytest.fail(f"donthu serve did not start within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


# ------------------------------------------------------------------------------------------ skip summary
def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """One line per skip with its reason, and the count (also when it is 0), at the end of every run."""
    skipped = terminalreporter.stats.get("skipped", [])
    terminalreporter.section("skip summary")
    if not skipped:
        terminalreporter.write_line("0 tests skipped")
        return
    terminalreporter.write_line(f"{len(skipped)} test(s) skipped:")
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        terminalreporter.write_line(f"  {report.nodeid}: {reason}")
