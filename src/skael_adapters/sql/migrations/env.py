"""Alembic environment for Skael: async engines, SQLite and PostgreSQL.

Run through :mod:`skael_adapters.sql.migrate`, which passes a connection in
``config.attributes["connection"]``. Without one (the ``alembic`` command line with a
``sqlalchemy.url``), it builds an async engine from the URL itself.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

from skael_adapters.sql.migrate import MIGRATION_LOCK, run_on
from skael_adapters.sql.tables import include_object, metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        # SQLite DDL is transactional once SQLAlchemy emits BEGIN (see engine.py).
        transactional_ddl=True,
        compare_type=True,
        include_object=include_object(connection.dialect.name),
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        context.run_migrations()


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=bool(url and url.startswith("sqlite")),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (given := config.attributes.get("connection")) is not None:
    run_migrations(given)
else:
    asyncio.run(run_on(config.get_main_option("sqlalchemy.url") or "", run_migrations))
