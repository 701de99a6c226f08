"""The services the tests need and this machine kind runs: Redis, PostgreSQL (and the real scans beside the
repository). Each check gives None or what is wrong and how to start it; tests/conftest.py turns that into
a failed test, `make test` runs this file first (`python tests/services.py`) to stop before the suite.

Test-only overrides (the service itself reads its options in donthu/config.py): DONTHU_TEST_REDIS_URL,
DONTHU_TEST_PG_URL (a database the tests may create databases and schemas from), DONTHU_TEST_REAL_SCANS.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("DONTHU_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
PG_URL = os.environ.get("DONTHU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: real pages, read-only, in the shared folder beside the repository (CI has it there too)
REAL_SCANS = Path(os.environ.get("DONTHU_TEST_REAL_SCANS", REPO.parent / "shared" / "real-scans"))

# the commands this machine kind starts them with (.ci/run starts one that has stopped)
START_REDIS = ('redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
               "--dir /var/lib/redis --logfile /var/log/redis/ci.log")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


@functools.cache
def redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return (f"Redis is not reachable at {REDIS_URL} ({exc}). Start it: `{START_REDIS}` (.ci/run does); "
                "the build and CI machines run it on 127.0.0.1:6379. DONTHU_TEST_REDIS_URL points the tests "
                "elsewhere.")


@functools.cache
def postgres_problem() -> str | None:
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return None
    except psycopg.Error as exc:
        reason = " ".join(str(exc).split())
        return (f"PostgreSQL is not usable at {PG_URL} ({reason}). Start it: `{START_POSTGRES}` (.ci/run does); "
                "the build and CI machines run it on 127.0.0.1:5432 with trust authentication for `postgres`. "
                "DONTHU_TEST_PG_URL points the tests elsewhere.")


def real_scans_problem() -> str | None:
    if REAL_SCANS.is_dir():
        return None
    return (f"the real pages are missing: {REAL_SCANS} (the shared folder `../shared/real-scans` beside the "
            "repository root; CI has it there; DONTHU_TEST_REAL_SCANS points elsewhere)")


def main() -> int:
    problems = [p for p in (redis_problem(), postgres_problem(), real_scans_problem()) if p]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    if not problems:
        print(f"services: Redis at {REDIS_URL}, PostgreSQL at {PG_URL}, real scans in {REAL_SCANS}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
