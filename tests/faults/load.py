"""Client load against real ``skael serve`` processes: users, mixed requests, a tally.

A :class:`Visitor` is one user driving the API the way a frontend does (register, log in,
list, rank, save, analyze, apply). Every answer goes into a shared :class:`Tally`, and
every write answered 2xx is remembered as a :class:`Write`, so a test can look for each
of them in the database afterwards. A request that gets no HTTP answer at all (reset,
refused, timed out) is tallied with status 0.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from servers import ServerProcess, http_json

PASSWORD = "correct horse battery"
PROFILE = {
    "desired_job_role": "Backend Developer",
    "skills": "python, postgresql, docker, kubernetes",
    "experience": 5,
    "countries": "US, DE, GB",
}


@dataclass(frozen=True)
class Write:
    """A write the server confirmed: ``key`` is the new user's id or the activity's id."""

    kind: str
    user_id: int
    job_id: int | None
    key: int


@dataclass(frozen=True)
class Answer:
    at: float
    took: float
    where: str
    what: str
    status: int
    detail: str


@dataclass
class Tally:
    """Every answer of a run, from several client threads."""

    answers: list[Answer] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, started: float, where: str, what: str, status: int, body: Any) -> None:
        detail = body.get("detail", "") if isinstance(body, dict) else str(body or "")
        now = time.monotonic()
        answer = Answer(now, now - started, where, what, status, str(detail)[:200])
        with self.lock:
            self.answers.append(answer)

    def wrote(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)

    def statuses(self, since: float = 0.0) -> Counter[int]:
        with self.lock:
            return Counter(a.status for a in self.answers if a.at >= since)

    def failures(self, since: float = 0.0) -> list[Answer]:
        """Answers that are not 2xx, in order."""
        with self.lock:
            return [a for a in self.answers if a.at >= since and not 200 <= a.status < 300]

    def writes_of(self, kind: str) -> list[Write]:
        with self.lock:
            return [w for w in self.writes if w.kind == kind]


def request(
    url: str, tally: Tally, what: str, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, Any]:
    """One request, tallied; status 0 when no HTTP answer came back."""
    started = time.monotonic()
    try:
        status, answer = http_json(method, url + path, body, token or None, timeout=30)
    except OSError as error:
        status, answer = 0, f"{type(error).__name__}: {error}"
    tally.answer(started, url, what, status, answer)
    return status, answer


class Visitor:
    """One user of the API; each request goes to one of ``servers``, picked at random."""

    def __init__(
        self,
        servers: Sequence[ServerProcess],
        tally: Tally,
        job_ids: Sequence[int],
        email: str,
        seed: int,
    ) -> None:
        self.urls = [s.url for s in servers]
        self.tally = tally
        self.job_ids = job_ids
        self.email = email
        self.random = random.Random(seed)
        self.user_id = 0
        self.token = ""

    def call(self, what: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        url = self.random.choice(self.urls)
        return request(url, self.tally, what, method, path, body, self.token)

    def register(self) -> bool:
        body = {"user_name": "Load", "email_id": self.email, "password": PASSWORD, **PROFILE}
        status, answer = self.call("register", "POST", "/users/", body)
        if status != 201:
            return False
        self.user_id, self.token = answer["user_id"], answer["access_token"]
        self.tally.wrote(Write("register", self.user_id, None, self.user_id))
        return True

    def login(self) -> None:
        body = {"email": self.email, "password": PASSWORD}
        status, answer = self.call("login", "POST", "/users/login", body)
        if status == 200:
            self.token = answer["access_token"]

    def list_jobs(self) -> None:
        skip = self.random.randrange(0, max(1, len(self.job_ids) - 20))
        self.call("list", "GET", f"/jobs/list_jobs/?skip={skip}&limit=20")

    def relevant(self) -> None:
        self.call("relevant", "POST", "/jobs/relevant_jobs", {"limit": 20})

    def read_saved(self) -> None:
        self.call("saved", "GET", "/jobs/saved?limit=20")

    def save(self) -> None:
        self._activity("save", "/jobs/{job}/save")

    def analyze(self) -> None:
        self._activity("analyze", "/jobs/{job}/analyze")

    def apply(self) -> None:
        self._activity("apply", "/resumes/apply")

    def _activity(self, kind: str, path: str) -> None:
        job = self.random.choice(self.job_ids)
        status, answer = self.call(kind, "POST", path.format(job=job), {"job_id": job})
        if 200 <= status < 300:
            self.tally.wrote(Write(kind, self.user_id, job, int(answer["activity_id"])))

    def step(self, mix: Mix) -> None:
        actions = [a for a, _ in mix]
        weights = [w for _, w in mix]
        self.random.choices(actions, weights)[0](self)


Mix = Sequence[tuple[Callable[[Visitor], None], int]]
"""Actions with their weights."""

WRITES: Mix = [
    (Visitor.save, 3),
    (Visitor.analyze, 2),
    (Visitor.apply, 2),
    (Visitor.list_jobs, 2),
    (Visitor.relevant, 1),
    (Visitor.read_saved, 1),
]
"""Mostly writes, with reads in between."""

MIXED: Mix = [
    (Visitor.login, 1),
    (Visitor.list_jobs, 6),
    (Visitor.relevant, 4),
    (Visitor.read_saved, 2),
    (Visitor.save, 3),
    (Visitor.analyze, 3),
    (Visitor.apply, 2),
]
"""What a frontend's users do: mostly reads, some writes, a login now and then."""


def run_visitors(
    visitors: Iterable[Visitor],
    mix: Mix,
    stop: threading.Event,
    *,
    register_every: int = 0,
    new_visitor: Callable[[int], Visitor] | None = None,
) -> None:
    """Each visitor in a thread of its own, stepping through ``mix`` until ``stop`` is set.

    With ``register_every`` = n, every n-th step of each thread registers a new user
    (made by ``new_visitor``), which then takes over that thread.
    """

    def loop(visitor: Visitor, index: int) -> None:
        steps = 0
        while not stop.is_set():
            steps += 1
            if register_every and new_visitor and steps % register_every == 0:
                fresh = new_visitor(index * 100_000 + steps)
                if fresh.register():
                    visitor = fresh
                continue
            visitor.step(mix)

    threads = [
        threading.Thread(target=loop, args=(v, i), daemon=True) for i, v in enumerate(visitors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def stored_job_ids(server: ServerProcess, token: str, count: int = 100) -> list[int]:
    """The ids of up to ``count`` stored jobs, read through the API."""
    path = f"/jobs/list_jobs/?limit={min(count, 100)}"
    status, answer = server.request("GET", path, token=token)
    assert status == 200, answer
    return [int(job["id"]) for job in answer["jobs"]]


def describe(failures: Sequence[Answer], limit: int = 8) -> str:
    shown = [f"{a.what} -> {a.status} in {a.took:.1f} s: {a.detail}" for a in failures[:limit]]
    more = f" (and {len(failures) - limit} more)" if len(failures) > limit else ""
    return "; ".join(shown) + more


ACTIONS = {"save": "JOB_SAVED", "analyze": "AI_JOB_ANALYZED", "apply": "JOB_APPLIED"}
RECORDS = {
    "save": "SELECT user_id, job_id FROM saved_jobs",
    "analyze": "SELECT user_id, job_id FROM analyses",
    "apply": "SELECT user_id, job_id FROM applications WHERE status = 'Applied'",
}


def missing_writes(
    writes: Iterable[Write], rows: Callable[[str], set[tuple[Any, ...]]]
) -> list[Write]:
    """The confirmed writes the database does not hold; ``rows`` runs one query.

    A registration must have left its user; a save, analysis or application both its
    record and the activity the server answered with.
    """
    users = {user for (user,) in rows("SELECT id FROM users")}
    activities = rows("SELECT id, user_id, job_id, action_type FROM activities")
    records = {kind: rows(query) for kind, query in RECORDS.items()}
    missing = []
    for write in writes:
        if write.kind == "register":
            held = write.user_id in users
        else:
            activity = (write.key, write.user_id, write.job_id, ACTIONS[write.kind])
            held = activity in activities and (write.user_id, write.job_id) in records[write.kind]
        if not held:
            missing.append(write)
    return missing
