"""Alembic migrations: `upgrade head` on a fresh PostgreSQL database and on SQLite builds exactly the
schema of `records.tables.metadata` (with the scale-out tables); a database created by `Store` before
migrations existed is adopted."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

import ingest.distributed  # noqa: F401 - registers document_jobs and page_results
import records.corrections  # noqa: F401 - registers corrections
from donthu.config import Settings
from records.migrations import HEAD_REVISION, current, upgrade
from records.store import Store, make_engine
from records.tables import metadata

from conftest import require_postgres


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url():
    """A fresh database on the test server (a missing PostgreSQL fails, with what to start)."""
    name = f"donthu_mig_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(require_postgres()).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'records.sqlite'}"


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_upgrade_on_fresh_database_matches_metadata(backend, request):
    url = request.getfixturevalue("pg_url" if backend == "postgresql" else "sqlite_url")
    settings = Settings(database_url=url)
    assert current(settings) is None
    upgrade(settings)
    assert current(settings) == HEAD_REVISION
    assert _tables(url) == set(metadata.tables) | {"alembic_version"}
    assert _differences(url) == []
    upgrade(settings)  # idempotent
    assert current(settings) == HEAD_REVISION


def test_database_made_by_the_store_is_adopted(sqlite_url):
    settings = Settings(database_url=sqlite_url)
    Store(settings).close()  # tables created without Alembic (the embedded mode does this)
    assert "alembic_version" not in _tables(sqlite_url)
    upgrade(settings)
    assert current(settings) == HEAD_REVISION
    assert _differences(sqlite_url) == []
