"""One async engine and session factory for the process, the SQLAlchemy 2 way.

``PEER_DATABASE_URL`` is a synchronous SQLite URL (``sqlite:///peer.db``, as the loader
takes it); the engine uses the aiosqlite driver over the same file. Sessions do not
expire their objects on commit, so answers are built without further queries.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
    return url


engine = create_async_engine(
    async_url(os.environ.get("PEER_DATABASE_URL", "sqlite:///./peer.db")),
    pool_size=8,
    max_overflow=8,
)


@event.listens_for(engine.sync_engine, "connect")
def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
    """WAL and a modest page cache, the settings a production SQLite deployment uses."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


SessionLocal = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
