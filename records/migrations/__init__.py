"""Alembic migrations of the system of record: the only way its tables (`records.tables.metadata`) are
created, on SQLite (embedded) as on PostgreSQL (scale-out). `Store` runs them when it opens a database
(`ensure_schema`); `donthu db upgrade` runs them on `settings.db_url`; `alembic upgrade head` (with the
repository's alembic.ini) does the same from a checkout.

Several processes may open one database at once (the worker pool, Celery workers): the upgrade runs under a
lock (a lock file beside a SQLite database, an advisory lock on PostgreSQL), and a database already at the
head revision is recognised with one query, without loading Alembic's scripts.

A database whose tables were created before migrations existed (older versions created them directly) is
adopted: when it has the tables but no `alembic_version`, it is stamped at the initial revision and then
upgraded (0002 and 0003 create only what such a database lacks).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from donthu.config import Settings

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
INITIAL_REVISION = "0001_initial"
HEAD_REVISION = "0011_register_next_due"
#: PostgreSQL advisory lock taken while migrating
_MIGRATE_LOCK_KEY = 0x646F6E74  # "dont"


def alembic_config(url: str, connection=None) -> "Config":
    """An Alembic configuration for `url` (no ini file needed: works from an installed package);
    `connection`: migrate on this open connection instead of a new engine."""
    from alembic.config import Config  # imported only to migrate: a database at head never loads Alembic

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.attributes["donthu_url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _engine(url: str):
    from records.store import make_engine

    return make_engine(url)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """One migrating process at a time per database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATE_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATE_LOCK_KEY})
                conn.commit()
        return
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        yield
        return
    path = os.path.abspath(database) + ".migrate-lock"
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _revision(engine: Engine) -> str | None:
    """The revision in `alembic_version` (None when the table is missing or empty)."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade_engine(engine: Engine, revision: str) -> None:
    from alembic import command

    with _migration_lock(engine):
        tables = set(inspect(engine).get_table_names())
        url = engine.url.render_as_string(hide_password=False)
        with engine.connect() as conn:
            conn.execution_options(donthu_write=True)
            config = alembic_config(url, conn)
            if "documents" in tables and "alembic_version" not in tables:
                command.stamp(config, INITIAL_REVISION)
            command.upgrade(config, revision)
            conn.commit()


def ensure_schema(engine: Engine) -> None:
    """Bring the database of `engine` to the head revision (one query when it is there already)."""
    if _revision(engine) == HEAD_REVISION:
        return
    _upgrade_engine(engine, "head")


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database at `settings.db_url` to `revision` (adopting a pre-migration database)."""
    engine = _engine(settings.db_url)
    try:
        _upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def current(settings: Settings) -> str | None:
    """The database's revision (None before the first upgrade)."""
    engine = _engine(settings.db_url)
    try:
        return _revision(engine)
    finally:
        engine.dispose()
