"""Helpers of the scale-out tests: a PostgreSQL schema a server can be pointed at,
requests that show their headers.

A server takes nothing but a URL, and asyncpg takes no ``search_path`` in one, so
:func:`schema_of_its_own` gives the schema made by ``isolated_postgres_schema`` a login
role of its own whose default ``search_path`` is that schema: everything that connects
with the role's URL (``skael db upgrade``, then the servers) works in it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from servers import ServerProcess
from skael_adapters.sql.testing import isolated_postgres_schema

LOGIN_LIMIT = 4


async def _execute(url: str, *statements: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


@contextmanager
def schema_of_its_own(url: str) -> Iterator[str]:
    """A URL of the PostgreSQL database at ``url`` whose connections land in a new schema."""
    with asyncio.Runner() as runner, ExitStack() as cleanup:
        isolated = isolated_postgres_schema(url, prefix="skael_scaleout")
        schema = runner.run(isolated.__aenter__())
        role, password = schema.name, secrets.token_hex(16)
        cleanup.callback(runner.run, _execute(url, f'DROP ROLE IF EXISTS "{role}"'))
        cleanup.callback(runner.run, isolated.__aexit__(None, None, None))
        runner.run(
            _execute(
                url,
                f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'",
                f'ALTER SCHEMA "{schema.name}" OWNER TO "{role}"',
                f'ALTER ROLE "{role}" SET search_path TO "{schema.name}"',
            )
        )
        yield (
            make_url(url)
            .set(username=role, password=password)
            .render_as_string(hide_password=False)
        )


def request_with_headers(
    server: ServerProcess, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, str], Any]:
    """One JSON request; the status, the headers (names in lower case) and the body."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, found, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, found, raw = error.code, error.headers, error.read()
    return status, {k.lower(): v for k, v in found.items()}, json.loads(raw or b"null")
