"""Alembic environment: the schema is `records.tables.metadata`; the connection or URL is the caller's
(`records.migrations.alembic_config`), else `-x url=...`, else DONTHU_DATABASE_URL / DONTHU_DATA_DIR through
`donthu.config.load_settings()`."""

from __future__ import annotations

from alembic import context

from donthu.config import load_settings
from records.store import make_engine
from records.tables import metadata

config = context.config
target_metadata = metadata


def _url() -> str:
    url = config.attributes.get("donthu_url") or context.get_x_argument(as_dictionary=True).get("url")
    return url or load_settings().db_url


def run_migrations_offline() -> None:
    from records.store import engine_url

    context.configure(url=engine_url(_url()), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            connection.execution_options(donthu_write=True)
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
