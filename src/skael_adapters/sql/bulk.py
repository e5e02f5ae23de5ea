"""Driver-level statements for bulk imports, built from Core tables.

Importing postings sends thousands of rows per call. Through ``execute(insert, rows)``
SQLAlchemy processes every row's parameters one by one, which costs more than the
database's own work. Here each value goes through its column type's own bind processor
(so the database receives what SQLAlchemy would send), then all rows go in one
statement: ``INSERT .. SELECT FROM unnest(arrays)`` on PostgreSQL (one parameter per
column), a multi-row ``VALUES`` on SQLite when rows must be returned, else the driver's
``executemany``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection


def binder(
    dialect: Dialect, table: sa.Table, columns: Sequence[str]
) -> Callable[[Mapping[str, Any]], list[Any]]:
    """A function turning one row (column -> value) into the driver's values, in order."""
    processors = [
        (position, process)
        for position, name in enumerate(columns)
        if (process := table.c[name].type.bind_processor(dialect)) is not None
    ]

    def bind(row: Mapping[str, Any]) -> list[Any]:
        values = [row[name] for name in columns]
        for position, process in processors:
            if values[position] is not None:
                values[position] = process(values[position])
        return values

    return bind


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

    Returns the ``returning`` columns of every row written (in no promised order).
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
    if not returning:
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({_marks(dialect, len(columns))})"
        await connection.exec_driver_sql(sql, [tuple(row) for row in rows])
        return []
    found: list[sa.Row[Any]] = []
    per_statement = max(1, _MAX_SQLITE_PARAMETERS // len(columns))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = ", ".join([f"({_marks(dialect, len(columns))})"] * len(chunk))
        sql = f"INSERT INTO {table.name} ({names}) VALUES {values}{tail}"
        result: CursorResult[Any] = await connection.exec_driver_sql(
            sql, tuple(value for row in chunk for value in row)
        )
        found.extend(result)
    return found


_MAX_SQLITE_PARAMETERS = 32_766


def _tail(conflict: Sequence[str], update: Sequence[str], returning: Sequence[str]) -> str:
    tail = ""
    if conflict:
        sets = ", ".join(f"{name} = excluded.{name}" for name in update)
        tail += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    if returning:
        tail += f" RETURNING {', '.join(returning)}"
    return tail


def _marks(dialect: Dialect, count: int) -> str:
    marks = {"qmark": "?", "format": "%s"}
    if dialect.paramstyle not in marks:
        raise ValueError(f"bulk statements do not support parameter style {dialect.paramstyle!r}")
    return ", ".join([marks[dialect.paramstyle]] * count)


def _array_type(column: sa.Column[Any], dialect: Dialect) -> str:
    """The PostgreSQL array type of ``column`` (collations belong to columns, not arrays)."""
    scalar = re.sub(r'\s+COLLATE\s+"[^"]+"', "", column.type.compile(dialect=dialect))
    return f"{scalar}[]"
