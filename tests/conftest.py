"""Shared test plumbing: the services this machine kind runs, a served app on a held port, and the skip
summary of a run.

Redis (127.0.0.1:6379), PostgreSQL (127.0.0.1:5432, trust), tesserocr built against the system libtesseract
and the real pages in `../shared/real-scans` (beside the repository) are there on every build and CI machine:
a test that needs one and does not find it FAILS with what to start or install, it never skips
(tests/services.py has the checks and the test-only URL overrides). Only an Elasticsearch server (none can
run on the build machine; its suite runs when DONTHU_ES_URL is set) may skip, with the reason printed — and
every skip of a run is listed at the end of it.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services import PG_URL, REAL_SCANS, REDIS_URL, REPO, postgres_problem, real_scans_problem, redis_problem

__all__ = ["PG_URL", "REAL_SCANS", "REDIS_URL", "REPO", "postgres_schema", "require_postgres", "require_real_scans",
           "require_redis", "start_serve", "stop", "wait_healthy"]


def require_redis() -> str:
    """The Redis URL the tests use (DB 13); fails the test with what to start when Redis does not answer."""
    problem = redis_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return REDIS_URL


def require_postgres() -> str:
    """A PostgreSQL URL (libpq form) on which the tests may create databases and schemas."""
    problem = postgres_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
    return PG_URL


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A SQLAlchemy database URL on the test PostgreSQL whose search_path is a fresh schema of its own, dropped
    with everything in it afterwards (a missing PostgreSQL fails the test with what to start)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    pg_url = make_url(require_postgres()).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    schema = f"donthu_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def require_real_scans() -> Path:
    problem = real_scans_problem()
    if problem:
        pytest.fail(problem, pytrace=False)
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
        [sys.executable, "-m", "cli", "--data-dir",
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


def wait_healthy(proc: subprocess.Popen, base: str, log: Path, timeout: float = 120) -> None:
    """Until the served app answers /health (200, or 503 while a service it uses is down); fails with the end
    of its log if it exits or does not answer within `timeout`."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code in (200, 503):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"donthu serve did not answer /health within {timeout:.0f} s:\n"
                f"{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


# ------------------------------------------------------------------------ spread over processes (make test)
#: the longest file, started first when `make test` spreads the files over two processes (pytest-xdist,
#: `-n 2 --dist loadgroup`): the generated-corpus evaluation, ~40 % of the suite's work
FIRST = ("test_eval_regression.py",)
#: the files that judge the session's real-page readings (`real_readings`): one process runs them all, so the
#: pages are read once
REAL_PAGE_SUITES = ("test_real_pages.py", "test_handwriting.py", "test_wordings.py")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Each file is one unit of work for pytest-xdist (its module fixtures are built once), the real-page
    suites one unit together; the longest units first. Without xdist the marks do nothing and the order is
    the file order with those units first."""
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("real-pages" if name in REAL_PAGE_SUITES else name))
    items.sort(key=lambda item: 0 if item.path.name in FIRST else 1 if item.path.name in REAL_PAGE_SUITES else 2)


# ------------------------------------------------------------------------------ the real pages, read once
@pytest.fixture(scope="session")
def real_readings() -> dict[str, object]:
    """file name → what the whole pipeline (default settings) made of each shared real page image
    (tests/real_readings.py: read once per session, two at a time)."""
    from tests.real_readings import read_all

    folder = require_real_scans()
    images = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    assert images, f"no page images in {folder}"
    return read_all(images)


# ------------------------------------------------------------------------------------------ skip summary
def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Every skip with its reason, and the count (also when it is 0), at the end of every run; then the
    known gaps (strict xfail marks) with theirs."""
    skipped = terminalreporter.stats.get("skipped", [])
    terminalreporter.section("skip summary")
    seed = getattr(config.option, "randomly_seed", None) if config.pluginmanager.hasplugin("randomly") else None
    terminalreporter.write_line(f"order: shuffled, --randomly-seed={seed} repeats it" if seed is not None
                                else "order: file order")
    terminalreporter.write_line(f"{len(skipped)} test(s) skipped" + (":" if skipped else ""))
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        terminalreporter.write_line(f"  {report.nodeid}: {reason}")
    known = terminalreporter.stats.get("xfailed", [])
    if known:
        terminalreporter.write_line(f"{len(known)} known gap(s) (xfail):")
        for report in known:
            terminalreporter.write_line(f"  {report.nodeid}: {getattr(report, 'wasxfail', '')}")
