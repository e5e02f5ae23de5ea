"""Hypothesis properties: normalisers, and the unit of work's all-or-nothing rule."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skael_adapters.memory import MemoryDatabase
from skael_adapters.system import PycountryCatalog
from skael_core import normalize as norm
from skael_core.errors import InvalidInput
from skael_core.model import DocumentKind, JobFilter
from skael_core.usecases.ingest import jobs_feed
from support import make_core, make_job, register

CATALOG = PycountryCatalog()
items = st.text(alphabet=string.ascii_letters + " -.+#", min_size=0, max_size=20)


@given(st.lists(items, max_size=30))
def test_list_and_comma_string_give_the_same_items(values: list[str]) -> None:
    clean = [v for v in values if "," not in v]
    as_list = norm.split_list(clean, "skills")
    as_text = norm.split_list(",".join(clean), "skills")
    assert as_list == as_text
    assert all(v == v.strip() and v for v in as_list)
    assert len({v.lower() for v in as_list}) == len(as_list)


@given(st.lists(items, max_size=30))
def test_splitting_is_idempotent(values: list[str]) -> None:
    once = norm.split_list(values, "skills")
    assert norm.split_list(list(once), "skills") == once


@given(st.sampled_from(CATALOG.all()), st.sampled_from(["code", "name", "lower", "upper"]))
def test_every_country_resolves_by_code_or_name(entry: tuple[str, str], form: str) -> None:
    code, name = entry
    value = {"code": code, "name": name, "lower": code.lower(), "upper": name.upper()}[form]
    assert norm.country_codes([value], CATALOG) == (code,)


@given(st.text(max_size=40))
def test_canonical_email_is_lower_trimmed_or_rejected(value: str) -> None:
    try:
        email = norm.canonical_email(value)
    except InvalidInput as error:
        assert error.errors[0].field == "email_id"
    else:
        assert email == email.strip().lower() and "@" in email
        assert norm.canonical_email(email.upper()) == email


@given(st.integers(-5, 200), st.integers(-5, 200))
def test_page_accepts_exactly_the_valid_range(skip: int, limit: int) -> None:
    valid = skip >= 0 and 1 <= limit <= 100
    try:
        assert norm.page(skip, limit) == (skip, limit)
    except InvalidInput:
        assert not valid
    else:
        assert valid


async def snapshot(db: MemoryDatabase) -> dict[str, dict[object, object]]:
    return {name: dict(table) for name, table in db.tables.items()}


FAILING_STEPS = st.sampled_from(["register", "import", "save", "analyze", "document", "status"])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(FAILING_STEPS, min_size=1, max_size=6))
async def test_a_use_case_that_raises_leaves_the_store_unchanged(steps: list[str]) -> None:
    db = MemoryDatabase()
    core = make_core(db.unit_of_work)
    me = (await register(core)).user_id
    job = (await core.ingest_postings.execute(jobs_feed([[make_job(1)]]))).ids[0]
    for step in steps:
        before = await snapshot(db)
        with pytest.raises(InvalidInput):
            await _fail(core, step, me, job)
        assert await snapshot(db) == before
    assert (await core.list_jobs.execute(JobFilter())).total == 1


async def _fail(core: object, step: str, me: int, job: int) -> None:
    from skael_core.service import Skael
    from skael_core.usecases.accounts import ProfileChanges

    assert isinstance(core, Skael)
    if step == "register":
        await core.register.execute("short", ProfileChanges(email="x@y.example", user_name="X"))
    elif step == "import":
        bad_batch = [make_job(2), make_job(3)]
        await core.ingest_postings.execute(jobs_feed([bad_batch, _raising()]))
    elif step == "save":
        await core.save_job.execute(me, None, job, metadata={"x": "y" * 20_000})
    elif step == "analyze":
        await core.analyze_job.execute(me, None, job, 150)
    elif step == "document":
        await core.generate_document.execute(me, None, DocumentKind.RESUME, content="x" * 300_000)
    else:
        from skael_core.model import ApplicationStatus

        await core.change_application_status.execute(
            me, None, job, ApplicationStatus.OFFER, "n" * 20_000
        )


class _raising(list):  # type: ignore[type-arg]
    """A batch whose reading fails half-way through an import."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield make_job(4)
        raise InvalidInput.field("batch", "unreadable record")
