"""What the stored jobs hold, the country list and the health check."""

from __future__ import annotations

import logging
from typing import Final

from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ControllerRouterHandler

from skael_adapters.stores import shared_state
from skael_core.service import Skael

from ..auth import ANONYMOUS, PUBLIC
from ..container import Container
from ..schemas import (
    CatalogEntryOut,
    CompaniesOut,
    CountriesOut,
    CountryOut,
    CreditsOut,
    HealthOut,
    Limit,
    LocationsOut,
    Skip,
    TechnologiesOut,
)
from .deps import Core, DatabaseOk

log = logging.getLogger("skael.web")


@get("/countries", opt=PUBLIC, security=ANONYMOUS, tags=["catalog"])
async def countries(core: Core) -> CountriesOut:
    """Every ISO 3166-1 country as ``{code, name}``."""
    found = await core.list_countries.execute()
    return CountriesOut(countries=[CountryOut(code=c, name=n) for c, n in found])


@get("/technologies", tags=["catalog"])
async def technologies(core: Core, skip: Skip = 0, limit: Limit = 20) -> TechnologiesOut:
    """Technologies the stored jobs ask for, most common first."""
    page = await core.list_catalog.execute("technologies", skip, limit)
    return TechnologiesOut(
        technologies=[CatalogEntryOut.of(e) for e in page.items], total=page.total
    )


@get("/companies", tags=["catalog"])
async def companies(core: Core, skip: Skip = 0, limit: Limit = 20) -> CompaniesOut:
    """Companies of the stored jobs, most jobs first."""
    page = await core.list_catalog.execute("companies", skip, limit)
    return CompaniesOut(companies=[CatalogEntryOut.of(e) for e in page.items], total=page.total)


@get("/locations", tags=["catalog"])
async def locations(core: Core, skip: Skip = 0, limit: Limit = 20) -> LocationsOut:
    """Locations of the stored jobs, most jobs first."""
    page = await core.list_catalog.execute("locations", skip, limit)
    return LocationsOut(locations=[CatalogEntryOut.of(e) for e in page.items], total=page.total)


@get(
    "/health",
    opt=PUBLIC,
    security=ANONYMOUS,
    tags=["service"],
    responses={503: ResponseSpec(HealthOut, description="The database does not answer")},
)
async def health(core: Core, database_ok: DatabaseOk, state: State) -> Response[HealthOut]:
    """200 when the database answers, 503 when it does not; ``shared_state`` says whether
    revocations and login throttling are shared through Redis (a Redis outage is not a 503:
    each process carries on with its own); ``credits``, what the saved searches spent of
    the provider credits today."""
    status, answer = await health_of(core, state.container, database_ok)
    return Response(answer, status_code=status)


async def health_of(core: Skael, container: Container, database_ok: bool) -> tuple[int, HealthOut]:
    """The status and body of ``GET /health`` (for its handler and for
    :mod:`skael_web.fastpath`)."""
    shared = await shared_state(container.store())
    credits = await _credits(core) if database_ok else None
    return (200 if database_ok else 503), HealthOut.of(database_ok, shared, credits)


async def database_answers(container: Container) -> bool:
    """True when the store of record answers a trivial query."""
    try:
        return bool(await container.database().ping())
    except Exception:
        log.warning("health check: the database does not answer", exc_info=True)
        return False


async def _credits(core: Skael) -> CreditsOut | None:
    try:
        c = await core.report_credits.execute()
    except Exception:  # the database went away since it answered: no figure, no 500
        return None
    return CreditsOut(
        day=c.day,
        spent_today=c.spent,
        daily_budget=c.daily_budget,
        per_person_budget=c.per_person_budget,
    )


CATALOG_HANDLERS: Final[list[ControllerRouterHandler]] = [
    countries,
    technologies,
    companies,
    locations,
    health,
]
