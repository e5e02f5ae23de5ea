"""A new SQLite database and its ``-wal`` and ``-shm`` files are readable by their owner
alone (0600): they hold password hashes. An existing file keeps its mode.

Before, they were created with the process's umask applied to 0644: readable by anyone.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from skael_adapters.sql import SqlDatabase, migrate

FILES = ("skael.db", "skael.db-wal", "skael.db-shm")


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give a service: group and others may read."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def _modes(folder: Path) -> dict[str, int]:
    return {name: stat.S_IMODE((folder / name).stat().st_mode) for name in FILES}


async def _modes_while_open(url: str, folder: Path, *, read_only: bool = False) -> dict[str, int]:
    database = SqlDatabase.from_url(url)
    try:
        async with database.unit_of_work(read_only=read_only) as uow:
            await uow.connection.execute(sa.text("SELECT count(*) FROM sqlite_master"))
            return _modes(folder)
    finally:
        await database.dispose()


async def test_a_first_start_creates_every_file_0600(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    await migrate.ensure_schema(url)  # what the first start does
    assert await _modes_while_open(url, tmp_path) == dict.fromkeys(FILES, 0o600)


async def test_a_file_first_opened_to_read_is_0600_too(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'skael.db'}"
    modes = await _modes_while_open(url, tmp_path, read_only=True)
    assert modes == dict.fromkeys(FILES, 0o600)


async def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "skael.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    url = f"sqlite+aiosqlite:///{path}"
    await migrate.ensure_schema(url)
    assert await _modes_while_open(url, tmp_path) == dict.fromkeys(FILES, 0o640)
