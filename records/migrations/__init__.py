"""Alembic migrations of the system of record (`records.tables.metadata`, plus the scale-out tables of
`ingest.distributed`). `donthu db upgrade` runs them on `settings.db_url`; `alembic upgrade head` (with
the repository's alembic.ini) does the same from a checkout.

A database whose tables were created before migrations existed (`Store` creates missing tables on open)
is adopted: when it has the tables but no `alembic_version`, it is stamped at the initial revision and
then upgraded.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from donthu.config import Settings

HERE = Path(__file__).resolve().parent
INITIAL_REVISION = "0001_initial"
HEAD_REVISION = "0003_handwriting"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url` (no ini file needed: works from an installed package)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("path_separator", "os")
    config.attributes["donthu_url"] = url
    return config


def _engine(url: str):
    from records.store import make_engine

    return make_engine(url)


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Migrate the database at `settings.db_url` to `revision` (adopting a pre-migration database)."""
    url = settings.db_url
    engine = _engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    config = alembic_config(url)
    if "documents" in tables and "alembic_version" not in tables:
        command.stamp(config, INITIAL_REVISION)
    command.upgrade(config, revision)


def current(settings: Settings) -> str | None:
    """The database's revision (None before the first upgrade)."""
    from alembic.runtime.migration import MigrationContext

    engine = _engine(settings.db_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
