"""Alembic migrations: `upgrade head` on a fresh PostgreSQL database and on SQLite builds exactly the
schema declared in `records.tables.metadata` (records, corrections, scale-out tables); `Store` creates its
tables only through the migrations; a database whose tables were created before migrations existed is
adopted."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

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


def test_every_table_is_declared_in_records_tables():
    """One schema: the scale-out and correction tables are declared beside the records'."""
    assert {"documents", "corrections", "document_jobs", "page_results", "batch_items"} <= set(metadata.tables)
    import ingest.jobs
    import records.corrections

    assert ingest.jobs.page_results is metadata.tables["page_results"]
    assert records.corrections.corrections is metadata.tables["corrections"]


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_store_opens_a_fresh_database_through_the_migrations(backend, request):
    url = request.getfixturevalue("pg_url" if backend == "postgresql" else "sqlite_url")
    settings = Settings(database_url=url)
    Store(settings).close()
    assert current(settings) == HEAD_REVISION
    assert _tables(url) == set(metadata.tables) | {"alembic_version"}
    assert _differences(url) == []
    Store(settings).close()  # a second open finds it at head
    assert current(settings) == HEAD_REVISION


def test_database_made_before_migrations_is_adopted(sqlite_url):
    # what older versions left: the record tables created directly, without corrections, scale-out tables
    # or alembic_version
    engine = make_engine(sqlite_url)
    old = [t for name, t in metadata.tables.items() if name not in ("corrections", "document_jobs", "page_results")]
    metadata.create_all(engine, tables=old)
    engine.dispose()
    settings = Settings(database_url=sqlite_url)
    assert "alembic_version" not in _tables(sqlite_url)
    upgrade(settings)
    assert current(settings) == HEAD_REVISION
    assert _tables(sqlite_url) == set(metadata.tables) | {"alembic_version"}
    assert _differences(sqlite_url) == []


def test_concurrent_opens_of_a_new_sqlite_database(tmp_path):
    """Pool workers open one new database together: one migrates, the others wait and find it done."""
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_open_store, args=(url,)) for _ in range(3)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert current(Settings(database_url=url)) == HEAD_REVISION
    assert _differences(url) == []


def _open_store(url: str) -> None:
    Store(Settings(database_url=url)).close()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_register_next_due_is_back_filled(backend, request):
    """0011 adds `register_letters.next_due` and fills it for the letters already registered; the days are
    counted by hand (Luật Tố cáo 2018 Art. 24: 7 working days; Luật Khiếu nại 2011 Art. 27: 10 days, before
    Circular 05/2021's 10 working days; Art. 28: 30 days from acceptance)."""
    import datetime as dt

    from sqlalchemy import insert, select

    from records.tables import register_letters

    url = request.getfixturevalue("pg_url" if backend == "postgresql" else "sqlite_url")
    settings = Settings(database_url=url)
    upgrade(settings, "0010_archival_metadata")
    engine = make_engine(url)
    now = dt.datetime(2026, 12, 7)
    letters = [  # (type, received, status, decision, accepted)
        ("denunciation", "2026-11-26", "received", None, None),   # 27, 30/11, 1, 2, 3, 4, 7/12 → 2026-12-07
        ("complaint", "2026-06-01", "received", None, None),      # 10 days → Thu 11/06 (before 15/06 working)
        ("complaint", "2026-06-01", "decided", "accept", "2026-07-01"),  # 30 days → Fri 31/07
        ("recommendation", "2026-06-01", "decided", "guide", None),  # guided: nothing pending
        ("complaint", "2026-06-01", "resolved", "accept", "2026-07-01"),  # resolved: nothing pending
    ]
    try:
        with engine.begin() as conn:
            for number, (kind, received, status, decision, accepted) in enumerate(letters, start=1):
                conn.execute(insert(register_letters).values(
                    unit="an-giang", year=2026, number=number, received=received, channel="post",
                    senders_json="[]", sender_count=1, summary="", type=kind, text="", parcels_json="[]",
                    references_json="[]", subjects_json="[]", status=status, decision=decision, accepted=accepted,
                    complex_case=False, remote=False, created_at=now, updated_at=now))
        upgrade(settings)
        assert current(settings) == HEAD_REVISION
        with engine.connect() as conn:
            due = conn.execute(select(register_letters.c.next_due).order_by(register_letters.c.number)).scalars()
            assert list(due) == ["2026-12-07", "2026-06-11", "2026-07-31", None, None]
    finally:
        engine.dispose()
    assert _differences(url) == []
