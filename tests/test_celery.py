"""Scale-out mode end to end: real `celery worker` processes on the local Redis, records on a fresh
PostgreSQL database, the SQLite FTS index in a temporary folder.

One module-wide set-up (database, data dir, Redis DB 13 with queue names prefixed per run); each test starts
the workers it needs (or reuses the one running), so a test passes alone and in any order. A missing Redis or
PostgreSQL fails every test with what to start (tests/conftest.py), it never skips.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import PG_URL, REDIS_URL, require_postgres, require_redis
from scans import make_scan

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(sql)


def _database_url(name: str) -> str:
    """The test server's URL with another database name."""
    from sqlalchemy.engine import make_url

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


class Cluster:
    """The environment workers and the test share, and the worker processes started."""

    def __init__(self, tmp: Path) -> None:
        from donthu.config import load_settings
        from ingest.celery_app import load_scale_settings, make_app

        run = uuid.uuid4().hex[:10]
        self.tmp = tmp
        self.dbname = f"donthu_celery_{run}"
        self.env = dict(
            os.environ,
            DONTHU_DATA_DIR=str(tmp / "data"),
            DONTHU_DATABASE_URL=_database_url(self.dbname),
            DONTHU_SEARCH_BACKEND="sqlite",
            DONTHU_BROKER_URL=REDIS_URL,
            DONTHU_RESULT_BACKEND=REDIS_URL,
            DONTHU_QUEUE_PREFIX=f"t{run}-",
            # a whole worker that vanished gives its message back after this many seconds
            DONTHU_VISIBILITY_TIMEOUT="25",
            DONTHU_UNACKED_RESTORE_INTERVAL="1",
            DONTHU_MAX_ATTEMPTS="2",
            DONTHU_WORKERS="1",
            PYTHONPATH=str(REPO),
        )
        settings = load_settings(self.env)
        self.settings = settings.with_data_dir(settings.data_dir.resolve())
        self.scale = load_scale_settings(self.env)
        self.client = make_app(self.scale)
        self.workers: list[subprocess.Popen] = []

    # -- workers ------------------------------------------------------------------------------------
    def start_worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ingest.celery_app", "worker",
             "-Q", f"{self.scale.intake_queue},{self.scale.archive_queue}", "-c", str(concurrency),
             "-n", f"{name}-{os.getpid()}@%h", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        proc.log_path = self.tmp / f"{name}.log"  # type: ignore[attr-defined]
        self.workers.append(proc)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if "ready." in proc.log_path.read_text(errors="replace"):  # type: ignore[attr-defined]
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.3)
        raise AssertionError(f"worker {name} did not start:\n{proc.log_path.read_text()[-3000:]}")  # type: ignore[attr-defined]

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        """SIGKILL the whole worker (main process and its pool), as a lost machine."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def running(self) -> list[subprocess.Popen]:
        return [p for p in self.workers if p.poll() is None]

    def one_worker(self, name: str) -> subprocess.Popen:
        """Exactly one worker running (concurrency 1): the one an earlier test left, or a new one."""
        alive = self.running()
        for proc in alive[1:]:
            self.stop(proc)
        return alive[0] if alive else self.start_worker(name)

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill(proc)

    def stop_all(self) -> None:
        for proc in self.workers:
            self.stop(proc)

    # -- records ------------------------------------------------------------------------------------
    def store(self):
        from records.store import Store

        return Store(self.settings)

    def submit(self, paths: list[Path], queue: str = "archive") -> list[int]:
        from ingest.submit import submit_paths

        _, items, ids = submit_paths([str(p) for p in paths], self.settings, queue=queue, client=self.client)
        assert not [i for i in items if i.outcome == "failed"], items
        return ids

    def wait(self, ids: list[int], timeout: float) -> dict[int, str]:
        from ingest.submit import wait_for

        statuses = wait_for(self.settings, ids, timeout=timeout, poll=0.3)
        if not all(statuses.get(i) in ("done", "failed") for i in ids):
            logs = "\n".join(Path(p.log_path).read_text()[-2500:] for p in self.workers)  # type: ignore[attr-defined]
            raise AssertionError(f"not finished in {timeout} s: {statuses}\n{logs}")
        return statuses

    def rows(self, sql: str, **params) -> list[tuple]:
        from sqlalchemy import text

        store = self.store()
        try:
            with store.engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        finally:
            store.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from records.migrations import upgrade

    require_redis()
    require_postgres()
    tmp = tmp_path_factory.mktemp("celery")
    c = Cluster(tmp)
    _admin(f'CREATE DATABASE "{c.dbname}"')
    try:
        upgrade(c.settings)  # the schema comes from the Alembic migrations, as `donthu db upgrade` makes it
        yield c
    finally:
        c.stop_all()
        _admin(f'DROP DATABASE IF EXISTS "{c.dbname}" WITH (FORCE)')
        import redis

        r = redis.Redis.from_url(REDIS_URL)
        for key in r.scan_iter(f"{c.scale.queue_prefix}*"):
            r.delete(key)


def _scan(tmp: Path, name: str, family: str, seed: int, fmt: str = "pdf", pages: int = 2) -> Path:
    path = tmp / f"{name}.pdf"
    make_scan(path, family=family, seed=seed, level="light", dpi=200, fmt=fmt, max_pages=pages)
    return path


def _wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_worker_killed_mid_document_every_document_done_exactly_once(cluster, tmp_path):
    files = [
        _scan(tmp_path, "ruling", "land_dispute_ruling", 1, pages=2),  # 2 scanned pages
        _scan(tmp_path, "letter", "complaint_letter", 2, pages=1),
        _scan(tmp_path, "digital", "recommendation_letter", 3, fmt="digital"),  # text layer
    ]
    cluster.stop_all()  # the worker killed below must be the only one reading
    first = cluster.start_worker("a")
    ids = cluster.submit(files)
    assert len(ids) == 3
    ruling = ids[0]

    # kill the whole worker while the ruling is half read: one page stored, the other being OCR'd
    def half_read() -> bool:
        states = dict(cluster.rows("SELECT page_number, status FROM page_results WHERE document_id = :d", d=ruling))
        return "done" in states.values() and "running" in states.values()

    _wait_until(half_read, 150, "the ruling to be half read")
    cluster.kill(first)
    assert cluster.rows("SELECT status FROM documents WHERE id = :d", d=ruling) == [("processing",)]

    cluster.start_worker("b")
    statuses = cluster.wait(ids, timeout=180)
    assert set(statuses.values()) == {"done"}, cluster.rows("SELECT id, error FROM documents")

    # (only this test's documents: others of the module may be in the same database, in any order)
    expected_pages = {ids[0]: 2, ids[1]: 1, ids[2]: 1}
    pages = {d: n for d, n in cluster.rows("SELECT document_id, count(*) FROM pages GROUP BY document_id")
             if d in ids}
    assert pages == expected_pages
    # the page read twice (before and after the kill) left one page row, one set of words, one record
    assert [d for (d,) in cluster.rows("SELECT document_id FROM page_results") if d in ids] == []
    for doc_id in ids:
        (record_json,) = cluster.rows("SELECT record_json FROM documents WHERE id = :d", d=doc_id)[0]
        record = json.loads(record_json)
        assert [p["number"] for p in record["pages"]] == list(range(1, expected_pages[doc_id] + 1))
        assert cluster.rows("SELECT count(*) FROM parties WHERE document_id = :d", d=doc_id) == [(len(record["parties"]),)]
        assert cluster.rows("SELECT count(*) FROM parcels WHERE document_id = :d", d=doc_id) == [(len(record["parcels"]),)]
        words = cluster.rows("SELECT count(*), count(DISTINCT (page_number, idx)) FROM words WHERE document_id = :d", d=doc_id)
        assert words[0][0] == words[0][1] and (words[0][0] > 50 or doc_id == ids[2])
    ruling_record = json.loads(cluster.rows("SELECT record_json FROM documents WHERE id = :d", d=ruling)[0][0])
    assert ruling_record["type"] == "land_dispute"

    # the index holds each document once, with its pages once
    with sqlite3.connect(cluster.settings.index_path) as db:
        assert sorted(r[0] for r in db.execute("SELECT doc_id FROM docs") if r[0] in ids) == sorted(ids)
        indexed = {d: n for d, n in db.execute("SELECT doc_id, count(*) FROM pages GROUP BY doc_id") if d in ids}
    assert indexed == expected_pages


def test_intake_letter_overtakes_running_archive_backfill(cluster, tmp_path):
    """One worker process consuming both queues (intake polled first) is busy with an archive backfill;
    an intake letter submitted then is finished before the archive documents queued before it."""
    cluster.one_worker("intake")
    archive = [_scan(tmp_path, "backfill-scan", "complaint_ruling_first", 4, pages=2)]
    archive += [_scan(tmp_path, f"backfill-{i}", fam, 10 + i, fmt="digital")
                for i, fam in enumerate(["acceptance_notice", "denunciation_conclusion", "minutes_reception"])]
    letter = _scan(tmp_path, "intake-letter", "denunciation_letter", 20, fmt="digital")

    archive_ids = cluster.submit(archive, queue="archive")
    _wait_until(lambda: cluster.rows("SELECT count(*) FROM page_results WHERE document_id = :d AND status = 'running'",
                                     d=archive_ids[0])[0][0] > 0, 120, "the backfill's first page to be read")
    (intake_id,) = cluster.submit([letter], queue="intake")
    cluster.wait(archive_ids + [intake_id], timeout=180)

    finished = dict(cluster.rows("SELECT document_id, finished_at FROM document_jobs"))
    queues = dict(cluster.rows("SELECT document_id, queue FROM document_jobs"))
    assert queues[intake_id] == cluster.scale.intake_queue and queues[archive_ids[1]] == cluster.scale.archive_queue
    statuses = dict(cluster.rows("SELECT id, status FROM documents"))
    assert all(statuses[d] == "done" for d in archive_ids + [intake_id])
    # everything in the archive queue when the letter came (the rest of the scan, the three documents
    # behind it) finished after the letter
    assert all(finished[intake_id] < finished[d] for d in archive_ids), finished


def test_documents_of_a_batch_are_done_one_after_another(cluster, tmp_path):
    """One worker process, a batch of three documents: each is finished (joined, understood, saved,
    indexed) before the next one is planned, so a long backfill's documents become searchable while it
    runs. (In first-in-first-out order every page of the batch was read before any document finished.)"""
    files = [_scan(tmp_path, f"batch-{i}", fam, 50 + i, fmt="digital", pages=2)
             for i, fam in enumerate(["complaint_letter", "land_dispute_ruling", "denunciation_letter"])]
    cluster.one_worker("batch")
    ids = cluster.submit(files, queue="archive")
    assert set(cluster.wait(ids, timeout=120).values()) == {"done"}
    jobs = {d: (started, finished) for d, started, finished in
            cluster.rows("SELECT document_id, started_at, finished_at FROM document_jobs")}
    for earlier, later in zip(ids, ids[1:]):
        assert jobs[earlier][1] <= jobs[later][0], jobs


def test_corrupt_file_fails_fast_with_its_reason(cluster, tmp_path):
    import pikepdf

    from ingest.submit import submit_paths

    good = _scan(tmp_path, "whole", "complaint_letter", 30, fmt="digital")
    corrupt = tmp_path / "truncated.pdf"
    corrupt.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    # a damaged container is refused at intake (ingest.intake.admit, the API's rule too): nothing queued
    _, items, ids = submit_paths([str(corrupt)], cluster.settings, queue="intake", client=cluster.client)
    assert ids == [] and [i.outcome for i in items] == ["failed"], items
    assert "PDF" in items[0].error and ("truncated" in items[0].error or "damaged" in items[0].error), items
    # damage that only shows inside (a password) goes to a worker, which fails it at once with the reason
    cluster.one_worker("corrupt")
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(good) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret", R=6))
    (doc_id,) = cluster.submit([locked], queue="intake")
    assert cluster.wait([doc_id], timeout=60) == {doc_id: "failed"}
    (error,) = cluster.rows("SELECT error FROM documents WHERE id = :d", d=doc_id)[0]
    assert "password" in error or "encrypted" in error, error
    # bad input is not retried: one delivery, no pages
    assert cluster.rows("SELECT attempts FROM document_jobs WHERE document_id = :d", d=doc_id) == [(1,)]
    assert cluster.rows("SELECT count(*) FROM pages WHERE document_id = :d", d=doc_id) == [(0,)]


def test_worker_indexes_the_record_as_corrected(cluster, tmp_path):
    """The Celery finish step indexes through the read path: after a clerk's correction, a redelivered
    finish (a crash between save and index) indexes the corrected type and parcel, not the extraction."""
    from donthu.config import load_settings
    from ingest.distributed import FINISH, task_priority
    from ingest.indexing import correct
    from search import open_backend
    from search.backend import SearchQuery

    if not any(p.poll() is None for p in cluster.workers):
        cluster.start_worker("d")
    letter = _scan(tmp_path, "khieu-nai", "complaint_letter", 60, fmt="digital")
    (doc_id,) = cluster.submit([letter], queue="intake")
    assert cluster.wait([doc_id], timeout=120) == {doc_id: "done"}
    (record_json,) = cluster.rows("SELECT record_json FROM documents WHERE id = :d", d=doc_id)[0]
    assert json.loads(record_json)["type"] == "complaint"  # the generator's truth for this letter
    parcels = [{"parcel_no": "907", "map_sheet": "14", "area_m2": None, "land_use": None,
                "commune": "Long Điền A", "district": "Chợ Mới", "province": None}]
    store = cluster.store()
    index = open_backend(cluster.settings)
    try:
        correct(store, index, doc_id, [("type", "denunciation"), ("parcels", parcels)], "Trần Văn Bảy")
        index.delete(doc_id)  # as if the worker had crashed after saving, before indexing
    finally:
        index.close()
        store.close()
    real = cluster.scale.intake_queue
    cluster.client.send_task(FINISH, (doc_id,), queue=real, priority=task_priority(FINISH, real, cluster.scale))

    def found(query: SearchQuery) -> list[int]:
        backend = open_backend(load_settings(cluster.env).with_data_dir(cluster.settings.data_dir))
        try:
            return [h.doc_id for h in backend.search(query).hits]
        finally:
            backend.close()

    _wait_until(lambda: doc_id in found(SearchQuery(type="denunciation")), 60, "the worker's re-index")
    assert doc_id not in found(SearchQuery(type="complaint"))
    assert doc_id in found(SearchQuery(parcel="907/14", commune="Long Điền A"))


def test_page_that_keeps_killing_its_worker_is_given_up(cluster, tmp_path):
    """The worker process reading a page dies each time (as under the OOM killer): after
    DONTHU_MAX_ATTEMPTS (2) deliveries the page is given up and the document failed with the reason."""
    poison = _scan(tmp_path, "poison", "complaint_letter", 40, pages=1)
    cluster.one_worker("poison")
    (doc_id,) = cluster.submit([poison], queue="intake")
    killed: set[int] = set()
    deadline = time.monotonic() + 150
    while len(killed) < 2 and time.monotonic() < deadline:
        rows = cluster.rows("SELECT owner, status FROM page_results WHERE document_id = :d", d=doc_id)
        for owner, status in rows:
            pid = int(owner.rpartition(":")[2]) if owner else 0
            if status == "running" and pid and pid not in killed:
                try:
                    os.kill(pid, signal.SIGKILL)  # the pool process, not the worker: it requeues the task
                except ProcessLookupError:
                    pass
                killed.add(pid)
        time.sleep(0.2)
    assert len(killed) == 2
    assert cluster.wait([doc_id], timeout=120) == {doc_id: "failed"}
    (error,) = cluster.rows("SELECT error FROM documents WHERE id = :d", d=doc_id)[0]
    assert error.startswith("page 1: gave up after 2 attempts"), error
