"""Random sequences of operations give the same answers on memory and on SQLite.

Hypothesis drives both stores at once. Ids differ between stores (each has its own
sequences), so memory's ids are translated to SQLite's through the ids each store
gave for the same creation; everything else must be equal, after every step.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from contract.contract_builders import RANKING_FIELDS
from skael_adapters.memory import MemoryDatabase
from skael_adapters.sql import SqlDatabase, upgrade
from skael_core.errors import Conflict
from skael_core.model import (
    Activity,
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    Job,
    JobFeatures,
    JobFilter,
    Page,
    Profile,
    SavedJob,
    Technology,
    User,
)
from skael_core.ports import UnitOfWork

T0 = datetime(2025, 1, 1, tzinfo=UTC)
TEXT = ["Python Developer", "Senior DATA engineer", "Ingénieur à ZÜRICH", "100%_remote dev", "go"]
SLUGS = ["python", "go", "rust", "Zig", "aws"]

moments = st.integers(0, 5).map(lambda m: T0 + timedelta(minutes=m))
optional_text = st.sampled_from([None, "", *TEXT])
technologies = st.lists(
    st.builds(
        Technology,
        technology_slug=st.sampled_from(SLUGS),
        technology_name=st.sampled_from(["A", "B", "Ç"]),
    ),
    max_size=4,
).map(tuple)
jobs = st.builds(
    Job,
    source=st.sampled_from(["sample", "theirstack"]),
    source_id=st.integers(0, 12),
    job_title=st.sampled_from(TEXT),
    date_posted=st.sampled_from([None, date(2025, 1, 1), date(2025, 1, 3)]),
    discovered_at=st.none() | moments,
    company=optional_text,
    location=optional_text,
    country=optional_text,
    country_code=st.sampled_from([None, "FR", "US"]),
    remote=st.sampled_from([None, True, False]),
    seniority=st.sampled_from([None, "senior", "Senior", "junior"]),
    min_salary=st.sampled_from([None, 30000.0, 55000.5]),
    max_salary=st.sampled_from([None, 55000.5, 90000.0]),
    description=optional_text,
    technologies=technologies,
    key_info=st.lists(st.sampled_from(TEXT), max_size=2).map(tuple),
    hybrid=st.sampled_from([None, True, False]),
    currency=st.sampled_from([None, "EUR"]),
    job_expired=st.sampled_from([None, True]),
    features=st.builds(
        JobFeatures,
        skills=st.frozensets(st.sampled_from(SLUGS), max_size=3),
        seniority_rank=st.sampled_from([None, 0, 3]),
        skill_order=st.lists(st.sampled_from(SLUGS), max_size=3, unique=True).map(tuple),
    ),
)
FILTER_VALUES = {
    "q": st.sampled_from(["", "python", "zürich", "%_", "DATA"]),
    "remote": st.booleans(),
    "country_code": st.sampled_from(["FR", "US"]),
    "seniority": st.sampled_from(["SENIOR", "junior"]),
    "technology": st.sampled_from(SLUGS),
    "company": st.sampled_from(["dev", "ZÜRICH", "_"]),
    "min_salary": st.sampled_from([0.0, 55000.5, 60000.0]),
    "posted_since": st.sampled_from([date(2025, 1, 2)]),
    "location": st.sampled_from(["data", "à"]),
    "job_title": st.sampled_from(["engineer", "100%"]),
}


SINGLE_FILTERS = [
    JobFilter(q="python"),
    JobFilter(q="zürich"),
    JobFilter(q="%_"),
    JobFilter(remote=True),
    JobFilter(remote=False),
    JobFilter(country_code="FR"),
    JobFilter(seniority="SENIOR"),
    JobFilter(technology="Zig"),
    JobFilter(company="ZÜRICH"),
    JobFilter(company="_"),
    JobFilter(min_salary=55000.5),
    JobFilter(posted_since=date(2025, 1, 2)),
    JobFilter(location="à"),
    JobFilter(job_title="100%"),
]


@st.composite
def filters(draw: st.DrawFn) -> JobFilter:
    """Filters of zero to three fields: enough to keep some jobs and drop others."""
    names = draw(st.lists(st.sampled_from(sorted(FILTER_VALUES)), max_size=3, unique=True))
    return JobFilter(**{name: draw(FILTER_VALUES[name]) for name in names})


def slim(job: Job) -> Job:
    """``job`` reduced to what a candidate carries for sure (and its required fields)."""
    kept = {name: getattr(job, name) for name in RANKING_FIELDS}
    return Job(source="", source_id=0, job_title="-", **kept)


pages = st.tuples(st.integers(0, 8), st.integers(0, 6))
metadata = st.dictionaries(
    st.sampled_from(["a", "b"]),
    st.none() | st.integers(-1000, 1000) | st.text("aé %", max_size=3) | st.booleans(),
)
ID_FIELDS = {"id", "user_id", "job_id", "resume_id"}


Ids = Callable[[str, int], int]
"""Gives a store's id for the memory id of a user, job or document."""
Work = Callable[[UnitOfWork, Ids], Awaitable[Any]]


class Stores(RuleBasedStateMachine):
    """Memory and SQLite side by side; ``template`` is a migrated SQLite file to copy."""

    template: Path
    workdir: Path

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.memory = MemoryDatabase()
        self.path = self.workdir / f"agree-{id(self)}.db"
        shutil.copyfile(self.template, self.path)
        self.sql = SqlDatabase.from_url(f"sqlite+aiosqlite:///{self.path}")
        self.ids: dict[str, dict[int, int]] = {kind: {} for kind in KINDS.values()}
        self.users: list[int] = []  # memory ids of the live users

    def teardown(self) -> None:
        self.loop.run_until_complete(self.sql.dispose())
        self.loop.close()
        self.path.unlink(missing_ok=True)

    # ----------------------------------------------------------------- plumbing

    def both(self, work: Work, commit: bool = True) -> tuple[Any, Any]:
        """``work`` on each store in a unit of work of its own: results, or Conflict."""

        async def run(uow: UnitOfWork, ids: Ids) -> Any:
            async with uow:
                try:
                    result = await work(uow, ids)
                except Conflict:
                    return Conflict
                if commit:
                    await uow.commit()
                return result

        def same(_kind: str, memory_id: int) -> int:
            return memory_id

        def translated(kind: str, memory_id: int) -> int:
            return self.ids[kind][memory_id]

        return (
            self.loop.run_until_complete(run(self.memory.unit_of_work(), same)),
            self.loop.run_until_complete(run(self.sql.unit_of_work(), translated)),
        )

    def agree(self, memory: Any, sql: Any) -> None:
        assert self.normal(memory, translate=True) == self.normal(sql, translate=False)

    def normal(self, value: Any, translate: bool) -> Any:
        """``value`` comparable across stores: memory ids turned into SQLite ids."""
        if isinstance(value, Page):
            return (self.normal(value.items, translate), value.total)
        if isinstance(value, list | tuple):
            return [self.normal(v, translate) for v in value]
        if not isinstance(value, msgspec.Struct) or type(value) not in KINDS:
            return value
        changes: dict[str, Any] = {}
        for name in ID_FIELDS & set(value.__struct_fields__):
            found = getattr(value, name)
            kind = KINDS[type(value)] if name == "id" else KINDS_BY_FIELD[name]
            if found is None or kind == "untracked":
                changes[name] = 0 if found is not None else None
            elif translate:
                changes[name] = self.ids[kind].get(found, -found)
        return msgspec.structs.replace(value, **changes)

    def learn(self, kind: str, memory_id: int, sql_id: int) -> None:
        assert self.ids[kind].setdefault(memory_id, sql_id) == sql_id

    def pick(self, kind: str, index: int) -> int:
        known = self.users if kind == "user" else sorted(self.ids[kind])
        return known[index % len(known)]

    # ----------------------------------------------------------------- rules

    @initialize()
    def start(self) -> None:
        self.add_user(0)

    @rule(n=st.integers(0, 3))
    def add_user(self, n: int) -> None:
        person = User(
            email=f"p{n}@example.com",
            password_hash="h",
            joined_at=T0,
            profile=Profile(user_name="P"),
        )
        memory, sql = self.both(lambda uow, _: uow.users.add(person))
        if memory is not Conflict:
            self.learn("user", memory.id, sql.id)
            self.users.append(memory.id)
        self.agree(memory, sql)

    @precondition(lambda self: self.users)
    @rule(index=st.integers(0, 9), n=st.integers(0, 3), version=st.integers(0, 3))
    def update_user(self, index: int, n: int, version: int) -> None:
        user = self.pick("user", index)

        async def update(uow: UnitOfWork, ids: Ids) -> None:
            stored = await uow.users.get(ids("user", user))
            assert stored is not None
            changed = msgspec.structs.replace(
                stored, email=f"p{n}@example.com", token_version=version
            )
            await uow.users.update(changed)

        self.agree(*self.both(update))

    @precondition(lambda self: self.users)
    @rule(index=st.integers(0, 9), keep=st.booleans())
    def delete_user(self, index: int, keep: bool) -> None:
        user = self.pick("user", index)
        memory, sql = self.both(lambda uow, ids: uow.users.delete(ids("user", user)), commit=keep)
        assert memory is sql is True
        if keep:
            self.users.remove(user)

    @rule(batch=st.lists(jobs, min_size=1, max_size=6), keep=st.booleans())
    def upsert_jobs(self, batch: list[Job], keep: bool) -> None:
        memory, sql = self.both(lambda uow, _: uow.jobs.upsert_many(batch), commit=keep)
        assert (memory.new, memory.updated) == (sql.new, sql.updated)
        assert len(set(memory.ids)) == len(set(sql.ids))
        if keep:
            for m, s in zip(memory.ids, sql.ids, strict=True):
                self.learn("job", m, s)

    @precondition(lambda self: self.users and self.ids["job"])
    @rule(user=st.integers(0, 9), job=st.integers(0, 30), at=moments, unsave=st.booleans())
    def save_or_unsave(self, user: int, job: int, at: datetime, unsave: bool) -> None:
        u, j = self.pick("user", user), self.pick("job", job)

        async def change(uow: UnitOfWork, ids: Ids) -> bool:
            if unsave:
                return await uow.saved_jobs.remove(ids("user", u), ids("job", j))
            saved = SavedJob(user_id=ids("user", u), job_id=ids("job", j), saved_at=at)
            return await uow.saved_jobs.add(saved)

        self.agree(*self.both(change))

    @precondition(lambda self: self.users and self.ids["job"])
    @rule(
        user=st.integers(0, 9),
        job=st.integers(0, 30),
        at=moments,
        kind=st.sampled_from(list(DocumentKind)),
        action=st.sampled_from(["JOB_SAVED", "FEEDBACK"]),
        data=metadata,
        status=st.sampled_from(list(ApplicationStatus)),
        keep=st.booleans(),
    )
    def track(
        self,
        user: int,
        job: int,
        at: datetime,
        kind: DocumentKind,
        action: str,
        data: dict[str, Any],
        status: ApplicationStatus,
        keep: bool,
    ) -> None:
        u, j = self.pick("user", user), self.pick("job", job)

        async def write(uow: UnitOfWork, ids: Ids) -> list[Any]:
            user_id, job_id = ids("user", u), ids("job", j)
            document = await uow.documents.add(
                Document(
                    user_id=user_id,
                    job_id=job_id,
                    kind=kind,
                    source="s",
                    content="c",
                    created_at=at,
                )
            )
            activity = await uow.activities.add(
                Activity(
                    user_id=user_id, job_id=job_id, action_type=action, metadata=data, created_at=at
                )
            )
            application = await uow.applications.save(
                Application(
                    user_id=user_id,
                    job_id=job_id,
                    status=status,
                    resume_id=document.id,
                    last_updated=at,
                )
            )
            return [document, activity, application]

        memory, sql = self.both(write, commit=keep)
        if keep:
            for stored_memory, stored_sql in zip(memory, sql, strict=True):
                self.learn(KINDS[type(stored_memory)], stored_memory.id, stored_sql.id)
            self.agree(memory, sql)

    @rule()
    def every_filter_alone(self) -> None:
        for f in SINGLE_FILTERS:
            self.agree(*self.both(lambda uow, _, f=f: uow.jobs.list(f, 0, 100), commit=False))

    @rule(f=filters(), page=pages)
    def list_jobs(self, f: JobFilter, page: tuple[int, int]) -> None:
        self.agree(*self.both(lambda uow, _: uow.jobs.list(f, *page), commit=False))

    @rule(
        f=filters(), skills=st.lists(st.sampled_from(SLUGS), max_size=4), limit=st.integers(0, 15)
    )
    def candidates(self, f: JobFilter, skills: list[str], limit: int) -> None:
        # SQL gives slim jobs: compare what ranking reads (see the port).
        async def ranked(uow: UnitOfWork, _: Ids) -> list[Job]:
            return [slim(job) for job in await uow.jobs.candidates(f, skills, limit)]

        self.agree(*self.both(ranked, commit=False))

    @rule(page=pages, source=st.sampled_from(["sample", "theirstack"]))
    def catalogs(self, page: tuple[int, int], source: str) -> None:
        reads: list[Work] = [
            lambda uow, _: uow.jobs.technologies(*page),
            lambda uow, _: uow.jobs.companies(*page),
            lambda uow, _: uow.jobs.locations(*page),
            lambda uow, _: uow.jobs.known_source_ids(source, page[1]),
        ]
        for read in reads:
            self.agree(*self.both(read, commit=False))

    @precondition(lambda self: self.users)
    @rule(user=st.integers(0, 9), page=pages, action=st.sampled_from([None, "FEEDBACK"]))
    def user_lists(self, user: int, page: tuple[int, int], action: str | None) -> None:
        u = self.pick("user", user)
        reads: list[Work] = [
            lambda uow, ids: uow.saved_jobs.list(ids("user", u), *page),
            lambda uow, ids: uow.activities.list(ids("user", u), action, *page),
            lambda uow, ids: uow.documents.list(ids("user", u), DocumentKind.RESUME, *page),
            lambda uow, ids: uow.applications.list(ids("user", u), None, *page),
        ]
        for read in reads:
            self.agree(*self.both(read, commit=False))

    # ----------------------------------------------------------------- invariant

    @invariant()
    def everything_agrees(self) -> None:
        self.agree(*self.both(lambda uow, _: uow.jobs.list(JobFilter(), 0, 500), commit=False))
        self.agree(*self.both(lambda uow, _: uow.jobs.count(), commit=False))
        for user in self.users:
            for read in _everything_of(user):
                self.agree(*self.both(read, commit=False))


def _everything_of(user: int) -> list[Work]:
    return [
        lambda uow, ids: uow.users.get(ids("user", user)),
        lambda uow, ids: uow.saved_jobs.list(ids("user", user), 0, 100),
        lambda uow, ids: uow.activities.list(ids("user", user), None, 0, 100),
        lambda uow, ids: uow.documents.list(ids("user", user), None, 0, 100),
        lambda uow, ids: uow.applications.list(ids("user", user), None, 0, 100),
    ]


KINDS: dict[type, str] = {
    User: "user",
    Job: "job",
    Document: "document",
    Activity: "activity",
    Application: "application",
    SavedJob: "untracked",  # saved ids never leave the store: compare without them
}
KINDS_BY_FIELD = {"user_id": "user", "job_id": "job", "resume_id": "document"}


@pytest.mark.slow
def test_memory_and_sqlite_agree_on_random_operations(tmp_path: Path) -> None:
    template = tmp_path / "template.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{template}"))
    Stores.template, Stores.workdir = template, tmp_path
    run_state_machine_as_test(
        Stores,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
