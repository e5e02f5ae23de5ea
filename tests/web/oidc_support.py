"""The app with an identity provider: a test issuer (``oidc_issuer.TestIssuer``) and a
world whose Skael accepts its ID tokens, on memory, SQLite or PostgreSQL.

The world's clock (fixed) is the issuer's clock too: tokens are minted at the app's
"now", and advancing ``world.clock`` ages the tokens and the key cache alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from oidc_issuer import TestIssuer
from skael_adapters.sql import upgrade
from skael_adapters.sql.testing import isolated_postgres_schema
from skael_web.app import create_app
from support import server_url
from web.web_support import (
    SwitchableDatabase,
    SwitchableSqlDatabase,
    World,
    build_world,
    sqlite_database,
)

REFRESH_INTERVAL = 30.0


@contextmanager
def postgres_database() -> Iterator[SwitchableSqlDatabase]:
    """A migrated PostgreSQL schema of its own, dropped afterwards (skips without a server)."""
    url = server_url("SKAEL_TEST_POSTGRES_URL")
    loop = asyncio.new_event_loop()
    schema_context = isolated_postgres_schema(url, prefix="skael_oidc")
    schema = loop.run_until_complete(schema_context.__aenter__())
    try:
        loop.run_until_complete(upgrade(schema.url, **schema.engine_options))
        yield SwitchableSqlDatabase.from_url(schema.url, **schema.engine_options)
    finally:
        loop.run_until_complete(schema_context.__aexit__(None, None, None))
        loop.close()


@contextmanager
def store(kind: str, folder: Path) -> Iterator[SwitchableDatabase | SwitchableSqlDatabase]:
    """A fresh store of ``kind``: memory, sqlite or postgres."""
    if kind == "postgres":
        with postgres_database() as database:
            yield database
    elif kind == "sqlite":
        yield sqlite_database(folder / "skael.db")
    else:
        yield SwitchableDatabase()


def oidc_world(
    issuer: TestIssuer,
    database: SwitchableDatabase | SwitchableSqlDatabase | None = None,
    **settings: Any,
) -> World:
    """A world accepting ``issuer``'s tokens; the issuer mints at the world's clock."""
    values: dict[str, Any] = {
        **issuer.settings(),
        "oidc_refresh_interval": REFRESH_INTERVAL,
        **settings,
    }
    world = build_world(database, **values)
    issuer.now = world.clock.now
    return world


@contextmanager
def oidc_client(world: World) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(world.container)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
