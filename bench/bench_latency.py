"""Latency at a fixed request rate: a user's day on Skael, open loop.

    python bench/bench_latency.py [--jobs 10000] [--users 100] [--rate 100] [--duration 30]
                                  [--setups sqlite,postgres] [--postgres URL] [--redis URL]

``--rate`` takes one rate or several (``--rate 25,50,100``), each run in turn on every
set-up for ``--duration`` seconds after one ``--warmup`` at the first rate.

The workload is many simulated users each living the same day in a loop: log in, list
jobs (a page of 20), ask for relevant jobs (a page of 20 ranked for them), save a job,
analyze it and apply to it. Users start their day at different steps, so at any moment
every step is in the mix in equal shares. Requests leave at a steady rate, one every
``1 / rate`` seconds whatever the server does (an open loop): a slow answer does not
hold back the next request, and each latency is measured from the moment the request
was meant to leave, so time spent queued behind slow answers counts (no coordinated
omission). A request that has no answer ``--timeout`` seconds after its intended time
is given up and counts as an error. Percentiles and maximum are over every request,
failed ones included (a request given up counts with the time it was given up at), and
the errors are counted beside them.

Set-ups (everything in a temporary directory, traffic only to 127.0.0.1):

- ``sqlite``: ``skael serve`` (one worker) on a SQLite file;
- ``postgres``: ``skael serve --workers 4`` on a new PostgreSQL database created on the
  server at ``--postgres`` (migrated with ``skael db upgrade``, dropped at the end), with
  ``SKAEL_REDIS_URL`` set to ``--redis``;
- ``bare``: the bare Litestar route of ``bench/http_harness`` (one fixed answer), as a
  check of the load generator itself: every request of the day becomes a
  ``GET /jobs/{id}`` there.

Both Skael set-ups get the same ``--jobs`` generated postings (``skael jobs import``)
and ``--users`` registered users with four kinds of profile.

Whether the generator kept up is reported per run: the rate at which requests actually
left, how late they left against their intended time (send lag) and the generator's
CPU use. Output: a Markdown table on stdout and in ``bench/results/NAME.md``,
``bench/results/NAME.csv`` (one row per set-up, rate and step, plus ``all``).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import math
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import httpx
from bench_http import (
    BENCH,
    BIN,
    RESULTS,
    Server,
    http,
    log,
    run,
    skael_env,
    start,
    stop,
    versions,
    write_postings,
)

DAY = ("login", "list_jobs", "relevant_jobs", "save", "analyze", "apply")
PASSWORD = "bench-password-123"
PAGE = 20
PROFILES: dict[str, dict[str, Any]] = {
    "python_in": {
        "desired_job_role": "Python Developer",
        "skills": "python, django, postgres, docker",
        "experience": 6,
        "countries": "India",
    },
    "nurse_de": {
        "desired_job_role": "Nurse",
        "skills": "patient care, BLS, ICU",
        "experience": 4,
        "countries": "Germany",
        "remote_preference": "Onsite",
    },
    "accountant_uk": {
        "desired_job_role": "Accountant",
        "skills": "excel, sap, ifrs",
        "experience": 3,
        "countries": "United Kingdom",
    },
    "data_remote": {
        "desired_job_role": "Data Engineer",
        "skills": "python, airflow, spark, sql",
        "experience": 8,
        "remote_preference": "Remote",
    },
}
SETUPS = ("sqlite", "postgres", "bare")
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


# --------------------------------------------------------------------------- users


@dataclass(frozen=True)
class User:
    id: int
    email: str
    token: str
    profile: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register_users(url: str, count: int, concurrency: int = 2) -> list[User]:
    """``count`` new accounts, the profiles of ``PROFILES`` in turn.

    A 503 (the database busy) is retried a few times: set-up is not what is measured.
    """
    gate = asyncio.Semaphore(concurrency)
    kinds = list(PROFILES)

    async def one(client: httpx.AsyncClient, n: int) -> User:
        kind = kinds[n % len(kinds)]
        email = f"day{n}-{kind}@example.com"
        body = {"user_name": f"day{n}", "email_id": email, "password": PASSWORD}
        for attempt in range(5):
            async with gate:
                response = await client.post("/users/", json=body | PROFILES[kind])
            if response.status_code != 503:
                break
            await asyncio.sleep(0.5 * 2**attempt)
        if response.status_code != 201:
            raise SystemExit(f"register {email}: {response.status_code} {response.text[:300]}")
        answer = response.json()
        return User(int(answer["user_id"]), email, answer["access_token"], kind)

    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        return list(await asyncio.gather(*(one(client, n) for n in range(count))))


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class Call:
    step: str
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None = None


def day_call(step: str, user: User, job_id: int, day: int) -> Call:
    """The request of ``step`` in ``user``'s ``day``-th day, about job ``job_id``."""
    if step == "login":
        return Call(step, "POST", "/users/login", {}, {"email": user.email, "password": PASSWORD})
    if step == "list_jobs":
        path = f"/jobs/list_jobs/?skip={PAGE * (day % 5)}&limit={PAGE}"
        return Call(step, "GET", path, user.auth)
    if step == "relevant_jobs":
        return Call(step, "POST", "/jobs/relevant_jobs", user.auth, {"limit": PAGE})
    if step == "save":
        return Call(step, "POST", f"/jobs/{job_id}/save", user.auth)
    if step == "analyze":
        return Call(step, "POST", f"/jobs/{job_id}/analyze", user.auth)
    if step == "apply":
        return Call(step, "POST", "/resumes/apply", user.auth, {"job_id": job_id})
    raise ValueError(step)


def bare_call(call: Call, job_id: int) -> Call:
    """The request the bare route gets in place of ``call``: its one fixed answer."""
    return Call(call.step, "GET", f"/jobs/{job_id}", {})


def schedule(
    users: list[User], count: int, jobs: int, seed: int, day: tuple[str, ...] = DAY
) -> list[Call]:
    """``count`` calls in sending order: each user in turn takes the next step of its ``day``.

    Each user starts at a random step; each day picks one random job to save, analyze
    and apply to. The same seed gives the same calls.
    """
    rng = random.Random(seed)
    phase = [rng.randrange(len(day)) for _ in users]
    picked: dict[tuple[int, int], int] = {}
    calls = []
    for i in range(count):
        u = i % len(users)
        n, step = divmod(i // len(users) + phase[u], len(day))
        job_id = picked.setdefault((u, n), rng.randrange(1, jobs + 1))
        calls.append(day_call(day[step], users[u], job_id, n))
    return calls


# --------------------------------------------------------------------------- load


@dataclass(frozen=True)
class Sample:
    step: str
    intended: float
    sent: float
    done: float
    status: int  # 0: no answer (timeout or connection error)
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def latency(self) -> float:
        return self.done - self.intended

    @property
    def lag(self) -> float:
        return self.sent - self.intended


async def send(client: httpx.AsyncClient, call: Call, intended: float, patience: float) -> Sample:
    loop = asyncio.get_running_loop()
    sent = loop.time()
    status, error = 0, ""
    try:
        async with asyncio.timeout_at(intended + patience):
            response = await client.request(
                call.method, call.path, json=call.body, headers=call.headers
            )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except TimeoutError:
        error = "timeout"
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    return Sample(call.step, intended, sent, loop.time(), status, error)


async def open_loop(
    client: httpx.AsyncClient, calls: list[Call], rate: float, patience: float
) -> list[Sample]:
    """Send ``calls`` at ``rate`` per second, each at its own time; every answer.

    A call still unanswered ``patience`` seconds after its intended time is given up.
    """
    loop = asyncio.get_running_loop()
    start_at = loop.time() + 0.05
    tasks = []
    for i, call in enumerate(calls):
        intended = start_at + i / rate
        if (delay := intended - loop.time()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(client, call, intended, patience)))
    return list(await asyncio.gather(*tasks))


@dataclass
class Measured:
    setup: str
    rate: float
    duration: float
    samples: list[Sample]
    generator_cpu: float  # seconds of this process's CPU
    server_cpu: float  # seconds of the server's processes' CPU
    wall: float
    load1: tuple[float, float]


async def measure_rate(
    url: str, calls: list[Call], rate: float, args: argparse.Namespace
) -> tuple[list[Sample], float, float]:
    limits = httpx.Limits(max_connections=args.connections, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=None) as client:
        cpu0, t0 = time.process_time(), time.perf_counter()
        samples = await open_loop(client, calls, rate, args.timeout)
        return samples, time.process_time() - cpu0, time.perf_counter() - t0


def group_cpu_seconds(leader: int) -> float:
    """User + system CPU of every live process in ``leader``'s process group, children too."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == leader:
            total += sum(int(x) for x in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def drive(
    setup: str, server: Server, users: list[User], args: argparse.Namespace, rates: list[float]
) -> list[Measured]:
    """The warm-up at the first rate, then one open-loop run per rate, users going on."""
    counts = [int(rates[0] * args.warmup)] + [int(rate * args.duration) for rate in rates]
    calls = schedule(users, sum(counts), args.jobs, args.seed, args.day)
    if setup == "bare":
        rng = random.Random(args.seed)
        calls = [bare_call(c, rng.randrange(1, args.jobs + 1)) for c in calls]
    if counts[0]:
        uvloop_run(measure_rate(server.url, calls[: counts[0]], rates[0], args))
    out = []
    cursor = counts[0]
    for rate, count in zip(rates, counts[1:], strict=True):
        load0 = os.getloadavg()[0]
        cpu0 = group_cpu_seconds(server.process.pid)
        batch = calls[cursor : cursor + count]
        samples, generator_cpu, wall = uvloop_run(measure_rate(server.url, batch, rate, args))
        server_cpu = group_cpu_seconds(server.process.pid) - cpu0
        cursor += count
        load = (load0, os.getloadavg()[0])
        m = Measured(setup, rate, args.duration, samples, generator_cpu, server_cpu, wall, load)
        out.append(m)
        log(f"{setup:8} {rate:7g}/s  " + brief(summarize(m)["all"]))
    return out


def uvloop_run(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-quantile (0 < q <= 1) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def figures(samples: list[Sample]) -> dict[str, Any]:
    latencies = [s.latency * 1000 for s in samples]
    lags = [s.lag * 1000 for s in samples]
    sent = [s.sent for s in samples]
    first = min(s.intended for s in samples) if samples else 0.0
    last_done = max((s.done for s in samples if s.ok), default=first)
    errors = Counter(s.error for s in samples if not s.ok)
    ok = sum(s.ok for s in samples)
    return {
        "requests": len(samples),
        "ok": ok,
        "errors": len(samples) - ok,
        "error_kinds": "; ".join(f"{k} x{n}" for k, n in errors.most_common()),
        "sent_rps": (len(sent) - 1) / (max(sent) - min(sent)) if len(sent) > 1 else math.nan,
        "ok_rps": ok / (last_done - first) if last_done > first else math.nan,
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies, default=math.nan),
        "lag_p50_ms": percentile(lags, 0.50),
        "lag_p99_ms": percentile(lags, 0.99),
        "lag_max_ms": max(lags, default=math.nan),
    }


def summarize(m: Measured) -> dict[str, dict[str, Any]]:
    """Figures for every step of the day and for ``all`` of them."""
    out = {"all": figures(m.samples)}
    for step in DAY:
        if mine := [s for s in m.samples if s.step == step]:
            out[step] = figures(mine)
    whole = out["all"]
    whole["generator_cpu_pct"] = 100 * m.generator_cpu / m.wall
    whole["server_cpu_pct"] = 100 * m.server_cpu / m.wall
    whole["server_cpu_ms_per_request"] = 1000 * m.server_cpu / max(whole["requests"], 1)
    return out


def brief(f: dict[str, Any]) -> str:
    return (
        f"sent {f['sent_rps']:6.1f}/s  2xx {f['ok_rps']:6.1f}/s  p50 {f['p50_ms']:7.1f}  "
        f"p99 {f['p99_ms']:7.1f}  max {f['max_ms']:7.1f} ms  errors {f['errors']}  "
        f"lag p99 {f['lag_p99_ms']:.1f} ms  generator CPU {f['generator_cpu_pct']:.0f}%  "
        f"server CPU {f['server_cpu_pct']:.0f}%"
    )


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def report(results: list[Measured], labels: dict[str, str]) -> str:
    steps = [step for step in DAY if any(step in summarize(m) for m in results)]
    lines = [
        "| set-up | intended req/s | sent req/s | 2xx req/s | p50 ms | p90 ms | p99 ms "
        "| max ms | errors | send lag p99 / max ms | generator CPU | server CPU "
        "| server CPU ms/req | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results:
        f = summarize(m)["all"]
        lines.append(
            f"| {labels[m.setup]} | {m.rate:g} | {f['sent_rps']:.1f} | {f['ok_rps']:.1f} "
            f"| {_ms(f['p50_ms'])} | {_ms(f['p90_ms'])} | {_ms(f['p99_ms'])} "
            f"| {_ms(f['max_ms'])} | {f['errors']} "
            f"| {f['lag_p99_ms']:.1f} / {f['lag_max_ms']:.1f} | {f['generator_cpu_pct']:.0f}% "
            f"| {f['server_cpu_pct']:.0f}% | {f['server_cpu_ms_per_request']:.1f} "
            f"| {m.load1[0]:.1f} - {m.load1[1]:.1f} |"
        )
    lines += [
        "",
        "Per step (every request; p50 / p99 / max ms):",
        "",
        "| set-up | req/s | " + " | ".join(steps) + " |",
        "|---|---:|" + "---:|" * len(steps),
    ]
    for m in results:
        if m.setup == "bare":
            continue
        s = summarize(m)
        cells = [
            f"{_ms(s[step]['p50_ms'])} / {_ms(s[step]['p99_ms'])} / {_ms(s[step]['max_ms'])}"
            if step in s
            else "-"
            for step in steps
        ]
        lines.append(f"| {labels[m.setup]} | {m.rate:g} | " + " | ".join(cells) + " |")
    failed = [(m, summarize(m)["all"]) for m in results]
    failed = [(m, f) for m, f in failed if f["errors"]]
    if failed:
        lines += ["", "Errors:", ""]
        lines += [f"- {labels[m.setup]} at {m.rate:g}/s: {f['error_kinds']}" for m, f in failed]
    return "\n".join(lines)


CSV_FIELDS = (
    "requests",
    "ok",
    "errors",
    "error_kinds",
    "sent_rps",
    "ok_rps",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "max_ms",
    "lag_p50_ms",
    "lag_p99_ms",
    "lag_max_ms",
)


def write_csv(
    results: list[Measured], labels: dict[str, str], meta: dict[str, str], name: str
) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.csv"
    extra = ("generator_cpu_pct", "server_cpu_pct", "server_cpu_ms_per_request")
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                *("setup", "label", "rate", "duration_s", "step"),
                *CSV_FIELDS,
                *extra,
                *("load1_start", "load1_end"),
                *meta,
            ]
        )
        for m in results:
            for step, fig in summarize(m).items():
                w.writerow(
                    [m.setup, labels[m.setup], f"{m.rate:g}", f"{m.duration:g}", step]
                    + [_cell(fig[k]) for k in CSV_FIELDS]
                    + [_cell(fig.get(k, "")) for k in extra]
                    + [f"{m.load1[0]:.2f}", f"{m.load1[1]:.2f}", *meta.values()]
                )
    return path


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.3f}"
    return str(value)


# --------------------------------------------------------------------------- set-ups


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``url``, dropped on exit: its URL."""
    from sqlalchemy.engine import make_url

    name = f"skael_bench_{uuid.uuid4().hex[:10]}"
    base = make_url(url)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    asyncio.run(_postgres(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _postgres(dsn: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis at {url}: {error}") from None


@contextmanager
def skael_server(
    setup: str, workdir: Path, postings: Path, args: argparse.Namespace
) -> Iterator[Server]:
    """Skael serving ``postings`` in ``setup``: its own data, stopped and dropped on exit."""
    home = workdir / setup
    home.mkdir(parents=True, exist_ok=True)
    for stale in home.glob("skael.db*"):  # a kept --workdir: start from an empty store
        stale.unlink()
    with fresh_postgres(args.postgres) if setup == "postgres" else _nothing() as database_url:
        env = skael_env(home, database_url)
        serve = [str(BIN / "skael"), "serve", "--port", "{port}"]
        if setup == "postgres":
            env["SKAEL_REDIS_URL"] = args.redis
            # this run's own keys: user ids restart in every benchmark database
            env["SKAEL_REDIS_NAMESPACE"] = f"skael-bench-{os.getpid()}-{int(time.time())}"
            run([str(BIN / "skael"), "db", "upgrade"], env, home)
            serve += ["--workers", str(args.pg_workers)]
        started = time.perf_counter()
        run([str(BIN / "skael"), "jobs", "import", str(postings)], env, home)
        log(f"{setup}: imported in {time.perf_counter() - started:.1f} s")
        server = start(setup, serve, env, home)
        try:
            yield server
        finally:
            stop(server)


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


@contextmanager
def bare_server(workdir: Path) -> Iterator[Server]:
    body = workdir / "bare_body.json"
    if not body.exists():
        body.write_bytes(b'{"messages":"success"}')
    argv = [sys.executable, "-m", "uvicorn", "http_harness.bare:create_app", "--factory"]
    argv += ["--app-dir", str(BENCH), "--port", "{port}", "--host", "127.0.0.1"]
    argv += ["--loop", "uvloop", "--http", "httptools"]
    server = start("bare", argv, {**os.environ, "BARE_BODY_FILE": str(body)}, workdir)
    try:
        yield server
    finally:
        stop(server)


def check_jobs(server: Server, user: User, jobs: int, workdir: Path) -> None:
    """Jobs 1 and ``jobs`` exist (the calls pick ids in between); keep one job's answer."""
    for job_id in (1, jobs):
        status, body = http(f"{server.url}/jobs/{job_id}", token=user.token)
        if status != 200:
            raise SystemExit(f"{server.name}: GET /jobs/{job_id}: {status} {body[:200]!r}")
    (workdir / "bare_body.json").write_bytes(body)


def run_setup(
    setup: str, workdir: Path, postings: Path, args: argparse.Namespace, rates: list[float]
) -> list[Measured]:
    if setup == "bare":
        with bare_server(workdir) as server:
            return drive(setup, server, [User(0, "", "", "")], args, rates)
    with skael_server(setup, workdir, postings, args) as server:
        started = time.perf_counter()
        users = uvloop_run(register_users(server.url, args.users))
        log(f"{setup}: {len(users)} users registered in {time.perf_counter() - started:.1f} s")
        check_jobs(server, users[0], args.jobs, workdir)
        return drive(setup, server, users, args, rates)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rate", default="100", help="requests/s; several: 25,50,100")
    parser.add_argument(
        "--day",
        default=",".join(DAY),
        help="the steps of a user's day, in order, of: " + ",".join(DAY),
    )
    parser.add_argument("--duration", type=float, default=30, help="seconds per rate")
    parser.add_argument("--warmup", type=float, default=5, help="seconds, once per set-up")
    parser.add_argument("--timeout", type=float, default=20, help="seconds from intended time")
    parser.add_argument("--connections", type=int, default=256, help="client connection limit")
    parser.add_argument("--setups", default="sqlite,postgres", help="of: " + ",".join(SETUPS))
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SKAEL_TEST_POSTGRES_URL") or DEFAULT_POSTGRES,
        help="server to create the benchmark database on",
    )
    parser.add_argument("--redis", default=os.environ.get("SKAEL_TEST_REDIS_URL") or DEFAULT_REDIS)
    parser.add_argument("--pg-workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--name", default="latency", help="bench/results/NAME.csv, NAME.md")
    parser.add_argument("--workdir", type=Path, help="keep data and logs here (default: temp)")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rate.split(",") if r]
    args.day = tuple(step for step in args.day.split(",") if step)
    if unknown_steps := set(args.day) - set(DAY):
        raise SystemExit(f"unknown step(s): {', '.join(sorted(unknown_steps))}")
    setups = [s for s in SETUPS if s in args.setups.split(",")]
    if unknown := set(args.setups.split(",")) - set(SETUPS):
        raise SystemExit(f"unknown set-up(s): {', '.join(sorted(unknown))}")
    if "postgres" in setups:
        check_redis(args.redis)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="skael-bench-latency-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = shlex.join(
        ["python", "bench/bench_latency.py", *(sys.argv[1:] if argv is None else argv)]
    )
    log(f"workdir {workdir}; nproc {os.cpu_count()}; load {os.getloadavg()}")
    started = time.perf_counter()
    postings = write_postings(workdir / "jobs.jsonl", args.jobs, args.seed)
    log(f"generated {args.jobs} postings in {time.perf_counter() - started:.1f} s")

    labels = {
        "sqlite": "SQLite, 1 worker",
        "postgres": f"PostgreSQL + Redis, {args.pg_workers} workers",
        "bare": "bare route, 1 worker",
    }
    results = []
    for setup in setups:
        results += run_setup(setup, workdir, postings, args, rates)

    meta = versions() | {
        "asyncpg": _version("asyncpg"),
        "redis": _version("redis"),
        "httpx": _version("httpx"),
        "nproc": str(os.cpu_count()),
        "jobs": str(args.jobs),
        "users": str(args.users),
        "pg_workers": str(args.pg_workers),
        "day": " ".join(args.day),
        "date": time.strftime("%Y-%m-%d"),
        "commit": commit(),
    }
    text = report(results, labels)
    path = write_csv(results, labels, meta, args.name)
    title = f"## Latency at a fixed rate ({args.jobs} jobs, {args.users} users)"
    info = "Machine and versions: " + ", ".join(f"{k} {v}" for k, v in meta.items())
    document = "\n\n".join([title, f"Command: `{command}`", text, info]) + "\n"
    (RESULTS / f"{args.name}.md").write_text(document)
    print(document)
    print(f"CSV: {path}; server logs in {workdir}")


def commit() -> str:
    """The checked-out commit, ``-dirty`` when the work tree has changes."""
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=BENCH, capture_output=True, text=True
    )
    return done.stdout.strip() or "-"


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


if __name__ == "__main__":
    main()
