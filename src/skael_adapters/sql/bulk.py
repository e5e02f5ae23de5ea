"""Driver-level statements for bulk imports, built from Core tables.

Importing postings sends thousands of rows per call. Through ``execute(insert, rows)``
SQLAlchemy processes every row's parameters one by one, which costs more than the
database's own work. Here each value goes through its column type's own bind processor
(so the database receives what SQLAlchemy would send), then all rows go in one call:
``INSERT .. SELECT FROM unnest(arrays)`` on PostgreSQL (one parameter per column), the
driver's ``executemany`` of one prepared statement on SQLite (``INSERT`` when rows are
new, ``UPDATE .. WHERE key`` when they are known).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


def binder(
    dialect: Dialect, table: sa.Table, columns: Sequence[str]
) -> Callable[[list[Any]], list[Any]]:
    """A function turning one row's values (in ``columns`` order) into the driver's, in
    place: each value goes through its column type's bind processor."""
    processors = [
        (position, process)
        for position, name in enumerate(columns)
        if (process := _processor(table.c[name], dialect)) is not None
    ]

    def bind(values: list[Any]) -> list[Any]:
        for position, process in processors:
            value = values[position]
            if value is not None:
                values[position] = process(value)
        return values

    return bind


def _processor(column: sa.Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's bind processor; on SQLite, followed for dates and times by the
    text the sqlite3 driver's adapters would make of them (``isoformat``), so that a
    value repeated in several rows (a job's date in its technology rows) is turned into
    text once."""
    process = column.type.bind_processor(dialect)
    if dialect.name != "sqlite":
        return process
    kind = column.type
    base = kind.impl_instance if isinstance(kind, sa.TypeDecorator) else kind
    if isinstance(base, sa.DateTime):
        to_text = operator.methodcaller("isoformat", " ")
    elif isinstance(base, sa.Date):
        to_text = operator.methodcaller("isoformat")
    else:
        return process
    if process is None:
        return to_text
    return lambda value: to_text(process(value))


async def insert_rows(
    connection: AsyncConnection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[sa.Row[Any]]:
    """Insert ``rows`` (values bound by :func:`binder`), upserting on ``conflict``.

    Returns the ``returning`` columns of every row written (in no promised order);
    PostgreSQL only: the SQLite driver's ``executemany`` returns nothing.
    """
    dialect = connection.dialect
    tail = _tail(conflict, update, returning)
    names = ", ".join(columns)
    if dialect.name == "postgresql":
        arrays = ", ".join(
            f"${n}::{_array_type(table.c[name], dialect)}" for n, name in enumerate(columns, 1)
        )
        sql = f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}){tail}"
        result = await connection.exec_driver_sql(sql, tuple(map(list, zip(*rows, strict=True))))
        return list(result) if returning else []
    if returning:
        raise ValueError(f"RETURNING from a bulk insert is not supported on {dialect.name}")
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({markers(dialect, len(columns))}){tail}"
    await connection.exec_driver_sql(sql, [tuple(row) for row in rows])
    return []


async def copy_rows(
    connection: AsyncConnection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """PostgreSQL: append ``rows`` (values bound by :func:`binder`) by a binary ``COPY``
    on the connection's transaction. Nothing to conflict with, nothing returned; each
    value goes to its column's binary codec, where ``unnest`` arrays have the driver
    ask of every element whether it is a nested array (about a third of a load's own
    CPU time went there)."""
    if connection.dialect.name != "postgresql":
        raise ValueError(f"COPY is not supported on {connection.dialect.name}")
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is None:
        raise RuntimeError("the connection was closed")
    await driver.copy_records_to_table(table.name, columns=list(columns), records=rows)


async def update_rows(
    connection: AsyncConnection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    key: str = "id",
) -> None:
    """Set ``columns`` of existing rows: each row holds its values in ``columns`` order
    (bound by :func:`binder`) and then its ``key``. One ``executemany``."""
    *marks, last = markers(connection.dialect, len(columns) + 1).split(", ")
    sets = ", ".join(f"{name} = {mark}" for name, mark in zip(columns, marks, strict=True))
    sql = f"UPDATE {table.name} SET {sets} WHERE {key} = {last}"
    await connection.exec_driver_sql(sql, [tuple(row) for row in rows])


def _tail(conflict: Sequence[str], update: Sequence[str], returning: Sequence[str]) -> str:
    tail = ""
    if conflict:
        sets = ", ".join(f"{name} = excluded.{name}" for name in update)
        tail += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    if returning:
        tail += f" RETURNING {', '.join(returning)}"
    return tail


def markers(dialect: Dialect, count: int) -> str:
    """``count`` parameter markers of ``dialect``'s style, comma-separated."""
    style = dialect.paramstyle
    if style == "numeric_dollar":
        return ", ".join(f"${n}" for n in range(1, count + 1))
    marks = {"qmark": "?", "format": "%s"}
    if style not in marks:
        raise ValueError(f"bulk statements do not support parameter style {style!r}")
    return ", ".join([marks[style]] * count)


def _array_type(column: sa.Column[Any], dialect: Dialect) -> str:
    """The PostgreSQL array type of ``column`` (collations belong to columns, not arrays)."""
    scalar = re.sub(r'\s+COLLATE\s+"[^"]+"', "", column.type.compile(dialect=dialect))
    return f"{scalar}[]"
