"""Fixtures of the fault tests, which all run real processes.

A PostgreSQL test gets a database created for it and dropped afterwards, so the
server's connections are exactly the ones in ``pg_stat_activity`` with its name, and
killing them touches nothing of another test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from faults.fault_support import pg_fetch
from support import server_url


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    base = server_url("SKAEL_TEST_POSTGRES_URL")
    name = f"skael_faults_{uuid.uuid4().hex[:10]}"
    pg_fetch(base, f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        pg_fetch(base, f'DROP DATABASE "{name}" WITH (FORCE)')
