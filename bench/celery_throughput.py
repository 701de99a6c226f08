"""Scale-out throughput: Celery workers (Redis broker, PostgreSQL records) against the embedded worker pool.

    python bench/celery_throughput.py [--pages 30] [--workers 1 2] [--rounds 3] [--seed 23]

The same scanned pages as `bench/throughput.py` (its `build_scans`: generated letters over every degradation
level at 300 and 200 dpi, one-page scanned PDFs, largest first), through:
* **celery**: a real `celery worker` (`ingest.celery_app`, `-c N`) reading the Redis at 127.0.0.1:6379 and
  writing records to a fresh PostgreSQL database at 127.0.0.1:5432 (schema by the Alembic migrations, as
  `donthu db upgrade` makes it), the SQLite FTS index in its data directory; the worker is started and each of
  its N processes has read one warm-up page (imports, spaCy, Tesseract) before the clock starts; the time is
  from `submit_paths` (store originals, queue one task per document, which fans out one task per page) until
  the last document is done (polling the records every 0.2 s);
* **pool**: the embedded `ingest.pool.LocalPool` on a fresh SQLite store, timed after its start-up (as
  `bench/throughput.py` does).
Both modes run the same task code (`ingest.tasks`); rounds interleave the modes and worker counts, the table
shows each one's median round. CER of page 1 of each document as stored, against the drawn text. Peak RSS:
VmHWM of each Celery pool process / local pool worker. Needs Redis and PostgreSQL (the test machine's).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from throughput import Row, Scan, _vm_hwm_mb, build_scans, cer, cpu_model, run_pipeline  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = "redis://127.0.0.1:6379/11"
PG = "postgresql://postgres@127.0.0.1:5432"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class CeleryRun:
    """One fresh database, data directory and queue prefix, and one worker with `concurrency` processes."""

    def __init__(self, folder: Path, concurrency: int) -> None:
        from donthu.config import load_settings
        from ingest.celery_app import load_scale_settings, make_app

        run = uuid.uuid4().hex[:8]
        self.folder = folder
        self.concurrency = concurrency
        self.dbname = f"donthu_bench_{run}"
        self.env = dict(
            os.environ,
            DONTHU_DATA_DIR=str(folder / "data"),
            DONTHU_DATABASE_URL=f"{PG}/{self.dbname}",
            DONTHU_SEARCH_BACKEND="sqlite",
            DONTHU_BROKER_URL=REDIS_URL,
            DONTHU_RESULT_BACKEND=REDIS_URL,
            DONTHU_QUEUE_PREFIX=f"bench{run}-",
            PYTHONPATH=str(REPO),
        )
        settings = load_settings(self.env)
        self.settings = settings.with_data_dir(settings.data_dir.resolve())
        self.scale = load_scale_settings(self.env)
        self.client = make_app(self.scale)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "CeleryRun":
        from records.migrations import upgrade

        _admin(f'CREATE DATABASE "{self.dbname}"')
        upgrade(self.settings)
        log_path = self.folder / "worker.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ingest.celery_app", "worker",
             "-Q", f"{self.scale.intake_queue},{self.scale.archive_queue}", "-c", str(self.concurrency),
             "-n", f"bench-{os.getpid()}@%h", f"--loglevel={os.environ.get('BENCH_LOGLEVEL', 'WARNING')}",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO, env=self.env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while len(_children(self.proc.pid)) < self.concurrency:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        _admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        import redis

        r = redis.Redis.from_url(REDIS_URL)
        for key in r.scan_iter(f"{self.scale.queue_prefix}*"):
            r.delete(key)

    def run(self, paths: list[Path]) -> tuple[float, dict[int, str], list[int]]:
        from ingest.submit import submit_paths, wait_for

        started = time.perf_counter()
        _, items, ids = submit_paths([str(p) for p in paths], self.settings, client=self.client)
        failed = [i for i in items if i.outcome == "failed"]
        if failed:
            raise RuntimeError(f"submit failed: {failed}")
        statuses = wait_for(self.settings, ids, timeout=3600, poll=0.2)
        return time.perf_counter() - started, statuses, ids

    def texts(self, ids: list[int]) -> list[str]:
        from records.store import Store

        store = Store(self.settings)
        try:
            return [(page.text if (page := store.page(doc_id, 1)) else "") for doc_id in ids]
        finally:
            store.close()

    def rss_mb(self) -> list[float]:
        return [_vm_hwm_mb(pid) for pid in _children(self.proc.pid)] if self.proc else []


def run_celery(scans: list[Scan], warmup: list[Scan], workers: int, folder: Path) -> tuple[Row, list[str]]:
    folder.mkdir(parents=True)
    with CeleryRun(folder, workers) as cluster:
        # one page per pool process, submitted together: every process imports and loads its models
        cluster.run([s.pdf for s in warmup[:workers]])
        seconds, statuses, ids = cluster.run([s.pdf for s in scans])
        bad = sum(status != "done" for status in statuses.values())
        row = Row("celery worker (Redis, PostgreSQL)", workers, len(scans), seconds, rss_mb=cluster.rss_mb(),
                  note=f"{bad} not done" if bad else "")
        return row, cluster.texts(ids)


def main() -> None:
    import platform

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; python {platform.python_version()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"command: python bench/celery_throughput.py {' '.join(sys.argv[1:])}".rstrip())
    runs: dict[tuple[str, int], list[Row]] = {}
    with tempfile.TemporaryDirectory(prefix="donthu-celery-bench-") as tmp:
        root = Path(tmp)
        scans = build_scans(root / "scans", args.pages, args.seed)
        warmup = build_scans(root / "warmup", max(args.workers), args.seed + 1000)
        print(f"inputs: {len(scans)} scanned one-page PDFs; warm-up pages {len(warmup)}", flush=True)
        for rnd in range(args.rounds):
            for n in args.workers:
                for mode in ("celery", "pool"):
                    if mode == "celery":
                        row, texts = run_celery(scans, warmup, n, root / f"celery-{n}-{rnd}")
                    else:
                        row, texts = run_pipeline("embedded worker pool (SQLite)", [s.pdf for s in scans],
                                                  len(scans), n, root / f"pool-{n}-{rnd}")
                    row.cer = cer(scans, texts)
                    runs.setdefault((mode, n), []).append(row)
                    print(f"  round {rnd + 1}: {row.name} x{n}: {row.seconds:.1f} s ({row.rate:.3f} pages/s)"
                          + (f" {row.note}" if row.note else ""), flush=True)

    by = {key: sorted(rows, key=lambda r: r.rate)[len(rows) // 2] for key, rows in runs.items()}
    print()
    print("| run | worker processes | pages | s | pages/s (median round) | every round | celery ÷ pool | CER | "
          "peak RSS per process (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.workers:
        for mode in ("celery", "pool"):
            row = by[(mode, n)]
            ratio = f"{by[('celery', n)].rate / by[('pool', n)].rate:.2f}×" if mode == "celery" else "–"
            print(f"| {row.name} | {n} | {row.pages} | {row.seconds:.1f} | {row.rate:.3f} | "
                  f"{', '.join(f'{r.rate:.3f}' for r in runs[(mode, n)])} | {ratio} | {100 * row.cer:.2f} % | "
                  f"{', '.join(f'{r:.0f}' for r in row.rss_mb) or '–'} |" + (f" {row.note}" if row.note else ""))
    if len(args.workers) >= 2:
        lo, hi = min(args.workers), max(args.workers)
        for mode in ("celery", "pool"):
            print(f"- {mode}: scaling {lo} → {hi} processes {by[(mode, hi)].rate / by[(mode, lo)].rate:.2f}×")
    for n in args.workers:
        ratios = [c.rate / p.rate for c, p in zip(runs[("celery", n)], runs[("pool", n)])]
        print(f"- celery ÷ pool x{n}, round by round: " + ", ".join(f"{r:.2f}×" for r in ratios))


if __name__ == "__main__":
    main()
