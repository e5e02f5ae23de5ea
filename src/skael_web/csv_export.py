"""Lists as CSV files: RFC 4180 quoting, and no cell a spreadsheet would run.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before reading a formula) is a formula to Excel, LibreOffice
and Google Sheets; such a cell gets a leading apostrophe, which they show as text
(OWASP, "CSV Injection"). Every other cell is written as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Final

from litestar import Request, Response
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import QueryParameter

from skael_core.usecases.agenda import ApplicationRecord, SavedRecord

CSV_MEDIA_TYPE: Final = "text/csv"
"""Litestar adds ``; charset=utf-8`` to a text type."""
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

FormatQuery = Annotated[
    str | None,
    QueryParameter(
        pattern="^(?:[Jj][Ss][Oo][Nn]|[Cc][Ss][Vv])$",
        description="json (the default) or csv, in any letter case; csv answers every "
        "matching item as a CSV file, or only the page skip and limit ask for when "
        "either is given",
    ),
]
"""``?format=``: ``json`` (the default) or ``csv``."""


def wants_csv(format_: str | None) -> bool:
    return format_ is not None and format_.lower() == "csv"


def asked_page(request: Request[Any, Any, Any], skip: int, limit: int) -> tuple[int, int] | None:
    """``(skip, limit)`` when the query gave either, else None: a CSV export is the
    whole list unless a page is asked for."""
    query = request.query_params
    return (skip, limit) if "skip" in query or "limit" in query else None


@dataclass
class CsvAlternativeOperation(Operation):
    """An operation whose 200 answer may also be ``text/csv`` (with ``?format=csv``)."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            ok.content = dict(ok.content or {})
            ok.content["text/csv"] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


def cell(value: Any) -> str:
    """One value as the text of a cell, defused when it would start a formula."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A header line and one line per row, CRLF-terminated, quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response[Any]:
    return Response(
        content=csv_text(header, rows).encode(),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


APPLICATION_COLUMNS: Final = (
    "job_id",
    "job_title",
    "company",
    "location",
    "status",
    "applied_date",
    "last_updated",
    "notes",
    "url",
)


def application_rows(records: Iterable[ApplicationRecord]) -> Iterable[list[Any]]:
    for r in records:
        a, job = r.application, r.job
        yield [
            a.job_id,
            job.job_title if job else "",
            job.company if job else None,
            job.location if job else None,
            a.status.value,
            a.applied_date,
            a.last_updated,
            a.notes,
            job.apply_url if job else None,
        ]


SAVED_JOB_COLUMNS: Final = (
    "job_id",
    "job_title",
    "company",
    "location",
    "country_code",
    "remote",
    "salary",
    "min_salary",
    "max_salary",
    "currency",
    "date_posted",
    "saved_at",
    "url",
)


def saved_job_rows(records: Iterable[SavedRecord]) -> Iterable[list[Any]]:
    for r in records:
        job = r.job
        yield [
            job.id,
            job.job_title,
            job.company,
            job.location,
            job.country_code,
            job.remote,
            job.salary_string,
            job.min_salary,
            job.max_salary,
            job.currency,
            job.date_posted,
            r.saved.saved_at,
            job.apply_url,
        ]
