"""Helpers of the fault tests: the ``skael`` command, several servers at once, queries
straight to PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import asyncpg

from servers import SKAEL, ServerProcess, running_server


def plain_url(url: str) -> str:
    """``url`` as asyncpg itself takes it (without SQLAlchemy's driver name)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _fetch(url: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(plain_url(url))
    try:
        return [tuple(row) for row in await connection.fetch(query, *args)]
    finally:
        await connection.close()


def pg_fetch(url: str, query: str, *args: Any) -> list[tuple[Any, ...]]:
    """The rows of one query on the PostgreSQL database at ``url``."""
    return asyncio.run(_fetch(url, query, *args))


def skael(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the installed ``skael`` command to completion."""
    return subprocess.run(
        [SKAEL, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@contextmanager
def running_servers(
    env: dict[str, str], workdir: Path, count: int, name: str = "server"
) -> Iterator[list[ServerProcess]]:
    """``count`` servers on the same settings, started side by side, stopped on leaving."""
    managers = [running_server(env, workdir, name=f"{name}{n}") for n in range(count)]
    with ExitStack() as stack, ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(m.__enter__) for m in managers]
        wait(futures)
        for manager, future in zip(managers, futures, strict=True):
            if future.exception() is None:
                stack.push(manager.__exit__)
        yield [future.result() for future in futures]
