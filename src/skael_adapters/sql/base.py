"""What every SQL repository shares: the unit of work's connection, the dialect's
INSERT, and pages of rows with their total in at most two statements."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from skael_core.model import Page
from skael_core.ports import LIST_COUNT_LIMIT, page_reaches_end

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterable[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class ConnectionHolder(Protocol):
    """What a repository needs from its unit of work: the open connection."""

    @property
    def connection(self) -> AsyncConnection: ...


class SqlRepository:
    def __init__(self, uow: ConnectionHolder) -> None:
        self._uow = uow

    @property
    def _conn(self) -> AsyncConnection:
        return self._uow.connection

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        """The dialect's INSERT, which knows ``ON CONFLICT``."""
        if self._conn.dialect.name == "sqlite":
            return sqlite.insert(table)
        return postgresql.insert(table)

    async def _first(self, query: sa.Select[Any], *, for_update: bool = False) -> Any:
        """The first row of ``query``, or None. ``for_update`` reads it ``FOR UPDATE`` on
        PostgreSQL: under READ COMMITTED a wait ends with the row as the other transaction
        committed it (or none); SQLite has no such clause (SQLAlchemy leaves it out), and
        a writing unit of work there holds the write lock from its start already."""
        return (await self._conn.execute(query.with_for_update() if for_update else query)).first()

    async def _page(
        self,
        query: sa.Select[Any],
        skip: int,
        limit: int,
        to_domain: Callable[[sa.Row[Any]], T],
        countable: sa.Select[Any] | None = None,
    ) -> Page[T]:
        """One page of ``query`` (already ordered) with the count of all its rows, when
        there are at most ``LIST_COUNT_LIMIT`` (``None`` above: counting them all would
        cost more than the page). ``countable`` selects the same rows more cheaply."""
        rows = (await self._conn.execute(query.limit(limit).offset(skip))).all()
        if page_reaches_end(skip, limit, len(rows)):
            total: int | None = skip + len(rows)  # the page reached the end: no need to count
        else:
            every = countable if countable is not None else every_row(query)
            total = bounded((await self._conn.execute(count_at_most(every))).scalar_one())
        return Page(items=[to_domain(row) for row in rows], total=total)


def bounded(total: int) -> int | None:
    """A list's ``total`` as pages give it: None above ``LIST_COUNT_LIMIT``."""
    return None if total > LIST_COUNT_LIMIT else total


def every_row(query: sa.Select[Any]) -> sa.Select[Any]:
    """``query``'s rows, unordered, as a constant each: what a count needs."""
    return query.order_by(None).with_only_columns(
        sa.literal_column("1"), maintain_column_froms=True
    )


def count_at_most(every: sa.Select[Any]) -> sa.Select[Any]:
    """The number of rows of ``every``, counting no further than ``LIST_COUNT_LIMIT + 1``."""
    limited = every.limit(LIST_COUNT_LIMIT + 1).subquery()
    return sa.select(sa.func.count()).select_from(limited)


def newest(table: sa.Table, at: str) -> tuple[sa.UnaryExpression[Any], ...]:
    return (table.c[at].desc(), table.c.id.desc())


def equal(column: sa.ColumnElement[Any], value: str | None) -> Iterable[sa.ColumnElement[bool]]:
    """``column = value``, or no condition when ``value`` is None ("any")."""
    return () if value is None else (column == value,)
