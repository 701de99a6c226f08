"""The scale-out commands of `donthu`: `worker` (a Celery worker), `submit` (store files and queue them),
`db upgrade` / `db current` (Alembic migrations) and `reindex` (index every done document again).

As in `cli.main`, a command imports what it runs when it runs, so that `donthu --help` starts fast."""

from __future__ import annotations

import os
import sys
import time

from donthu.config import Settings


def cmd_worker(args, settings: Settings) -> int:
    os.environ["DONTHU_DATA_DIR"] = str(settings.data_dir)  # the worker processes read their settings
    from ingest.celery_app import app, scale_settings

    queues = [scale_settings.queue(q.strip()) for q in args.queues.split(",") if q.strip()]
    argv = ["worker", "-Q", ",".join(queues), "-c", str(args.concurrency or settings.workers),
            "-n", args.hostname or f"donthu-{os.getpid()}@%h", f"--loglevel={args.loglevel}"]
    app.worker_main(argv)
    return 0


def cmd_submit(args, settings: Settings) -> int:
    from ingest.submit import submit_paths, wait_for
    from records.store import Store

    started = time.perf_counter()
    excluded: list = []
    batch_id, items, ids = submit_paths(args.paths, settings, queue=args.queue,
                                        dossier_per_folder=args.dossier_per_folder, excluded=excluded)
    for folder in excluded:
        print(f"  skipped  {folder}: the data folder (records, index, originals) is not input")
    skipped = [i for i in items if i.outcome == "skipped"]
    failed = [i for i in items if i.outcome == "failed"]
    print(f"batch {batch_id}: {len(ids)} queued on {args.queue}, {len(skipped)} skipped, {len(failed)} failed")
    for item in failed:
        print(f"  FAILED   {item.file}: {item.error}")
    if not args.wait or not ids:
        return 1 if failed else 0
    statuses = wait_for(settings, ids, timeout=args.timeout)
    seconds = time.perf_counter() - started
    store = Store(settings)
    pages, bad = 0, 0
    for document_id in ids:
        info = store.get(document_id)
        status = statuses.get(document_id, "?")
        store.update_batch_item(batch_id, document_id, status if status in ("done", "failed") else "queued",
                                info.error if status == "failed" else None)
        if status == "done":
            pages += info.pages_total
        elif status == "failed":
            bad += 1
            print(f"  FAILED   {info.file}: {info.error}")
    store.close()
    done = sum(1 for s in statuses.values() if s == "done")
    print(f"{done} done, {bad} failed, {len(ids) - done - bad} unfinished; {pages} pages in {seconds:.1f} s "
          f"({pages / seconds if seconds else 0:.2f} pages/s)")
    return 1 if bad or failed or done + bad < len(ids) else 0


def cmd_db(args, settings: Settings) -> int:
    from records.migrations import current, upgrade

    if args.db_command == "upgrade":
        upgrade(settings, args.revision)
    print(f"database at revision {current(settings)}")
    return 0


def cmd_reindex(args, settings: Settings) -> int:
    from elastic_transport import ConnectionError as IndexUnreachable

    from ingest.indexing import reindex

    try:
        count = reindex(settings, args.to)  # default: the configured engine
    except ValueError as exc:  # e.g. elasticsearch without DONTHU_ES_URL
        print(exc, file=sys.stderr)
        return 2
    except (IndexUnreachable, ConnectionError) as exc:
        print(f"the index cannot be reached: {exc}", file=sys.stderr)
        return 1
    print(f"{count} documents indexed into {args.to or settings.search_engine}")
    return 0


def add_commands(sub) -> None:
    """Register `worker`, `submit`, `db upgrade` and `reindex` on the `donthu` sub-command parser."""
    p = sub.add_parser("worker", help="a Celery worker (scale-out mode)")
    p.add_argument("--queues", default="intake,archive",
                   help="comma-separated, polled in this order (default intake,archive: intake first)")
    p.add_argument("--concurrency", type=int, help="worker processes (default DONTHU_WORKERS or all cores)")
    p.add_argument("--hostname", help="Celery node name (default donthu-PID@HOST)")
    p.add_argument("--loglevel", default="INFO")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("submit", help="store files and queue them for the Celery workers")
    p.add_argument("paths", nargs="+")
    p.add_argument("--queue", choices=["intake", "archive"], default="archive")
    p.add_argument("--dossier-per-folder", action="store_true")
    p.add_argument("--wait", action="store_true", help="wait until all are processed; print pages/s")
    p.add_argument("--timeout", type=float, help="seconds to wait at most (with --wait)")
    p.set_defaults(func=cmd_submit)

    p = sub.add_parser("db", help="database schema (Alembic migrations)")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="migrate the records database to the latest schema")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db)
    cur = dbsub.add_parser("current", help="print the database's schema revision")
    cur.set_defaults(func=cmd_db)

    p = sub.add_parser("reindex", help="build the search index again from the records (every done document, "
                       "corrections applied)")
    p.add_argument("--to", choices=["tantivy", "sqlite", "elasticsearch"],
                   help="the index to build (default: the configured one, DONTHU_SEARCH_BACKEND, tantivy unless set)")
    p.set_defaults(func=cmd_reindex)
