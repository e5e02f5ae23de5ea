"""HTTP throughput of Skael against a bare Litestar route and two FastAPI peers.

    python bench/bench_http.py [--jobs 5000] [--duration 10] [--rounds 3]
                               [--connections 32] [--threads 2] [--profile relevant_jobs]

What it does, end to end (everything in a temporary directory, traffic only to
127.0.0.1):

1. generates N postings in Theirstack's shape (``generate_postings(N, seed)``) and
   writes them as JSON Lines;
2. loads them into Skael's SQLite file with ``skael jobs import`` and into the peers'
   SQLite file with ``bench/peer/load.py`` (the strong peer gets a copy of that file);
3. starts four servers on free ports, each one uvicorn worker on uvloop + httptools
   with uvicorn's access log on (``skael serve`` logs each request the same way):
   Skael (``skael serve``); the seed-like peer (``bench/peer``: FastAPI + Pydantic v2
   over sync SQLAlchemy sessions with lazy loading, the way the original backend was
   written); the strong peer (``bench/strong_peer``: FastAPI + Pydantic v2 over async
   SQLAlchemy sessions with ``selectinload``, the way one would write it today); and
   the bare route (``bench/http_harness/bare.py``: Litestar answering the bytes of a
   real Skael ``GET /jobs/{id}`` and ``GET /health``);
4. registers a user on Skael (the bearer token goes into every request; the peers
   have no authentication and ignore it; their user is created by the loader);
5. runs wrk on each endpoint in alternating rounds (Skael, strong, peer, bare, Skael,
   ...) after one warm-up run each, and reports per endpoint and server the median
   requests/s, the median latency, the server's CPU time per request and the ratios.

Endpoints: ``get_job`` (``GET /jobs/{id}``, cycling through all ids), ``list_jobs``
(``GET /jobs/list_jobs/?skip=0&limit=50``), ``list_jobs_1`` (the same with
``limit=1``: what a list costs beyond its rows), ``health`` (``GET /health``) and
``relevant_jobs`` (``POST /jobs/relevant_jobs``, a page of 20 for a profile with five
skills).

``--before SRC`` adds a fifth server: ``skael serve`` with another version's ``src``
folder first on ``PYTHONPATH`` (``git archive REV src | tar -x -C DIR``, then
``--before DIR/src``), over the same database, measured in the same rounds.

Output: a Markdown table on stdout, ``bench/results/http.csv`` (medians) and
``bench/results/http_runs.csv`` (every run). ``--profile ENDPOINT`` then samples
Skael with py-spy under the same load and prints the top functions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import msgspec

BENCH = Path(__file__).resolve().parent
HARNESS = BENCH / "http_harness"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent

SECRET = "bench-secret-0123456789abcdefghijklmnopqrstuvwxyz"  # 40+ chars, local only
SKILLS = ["python", "sql", "docker", "aws", "react"]
PROFILE = {
    "user_name": "bench",
    "email_id": "bench@example.com",
    "password": "bench-password-123",
    "skills": SKILLS,
    "desired_job_role": "Backend Engineer",
    "experience": 5,
}
PAGE = 20
LIST_LIMIT = 50
SERVERS = ("skael", "before", "strong", "peer", "bare")
ENDPOINTS = ("get_job", "list_jobs", "list_jobs_1", "health", "relevant_jobs")
GOALS = [  # (endpoint, numerator, denominator, minimum ratio)
    ("get_job", "skael", "strong", 10.0),
    ("get_job", "skael", "bare", 0.50),
    ("list_jobs", "skael", "strong", 10.0),
    ("get_job", "skael", "peer", 10.0),
    ("list_jobs", "skael", "peer", 10.0),
    ("relevant_jobs", "skael", "peer", 20.0),
]
UVICORN = ["--host", "127.0.0.1", "--workers", "1", "--loop", "uvloop", "--http", "httptools"]


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process, all threads."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in argv]
    log = workdir / f"{name}.log"
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=workdir,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}; see {log}")
        try:
            status, _ = http(server.url + "/health")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"{name} did not answer /health within 90 s; see {log}")


def stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    try:
        os.killpg(server.process.pid, signal.SIGTERM)  # its own session: only what we started
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
    except ProcessLookupError:
        pass


def http(
    url: str, body: Any = None, token: str | None = None, method: str | None = None
) -> tuple[int, bytes]:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --------------------------------------------------------------------------- data


def write_postings(path: Path, jobs: int, seed: int, chunk: int = 10_000) -> Path:
    """``jobs`` generated postings as JSON Lines, written ``chunk`` at a time.

    Up to ``chunk`` postings this is ``generate_postings(jobs, seed)``; chunk ``k``
    after the first is drawn with seed ``seed + k`` and numbered on from the last
    posting, so a million postings never sit in memory at once.
    """
    from skael_adapters.sample.generate import FIRST_ID, generate_postings

    with path.open("wb") as out:
        for k, start in enumerate(range(0, jobs, chunk)):
            for i, posting in enumerate(generate_postings(min(chunk, jobs - start), seed + k)):
                posting["id"] = FIRST_ID + start + i
                out.write(msgspec.json.encode(posting) + b"\n")
    return path


def skael_env(workdir: Path, database_url: str | None = None) -> dict[str, str]:
    """The environment of every ``skael`` process of a benchmark: SQLite in ``workdir``."""
    env = {
        **os.environ,
        "SKAEL_DATABASE_URL": database_url or f"sqlite+aiosqlite:///{workdir / 'skael.db'}",
        "SKAEL_SEED_SAMPLE": "false",
        "SKAEL_SECRET_KEY": SECRET,
        "SKAEL_DATA_DIR": str(workdir / ".skael"),
        "SKAEL_TOKEN_LIFETIME": "86400",
        # a benchmark registers all its users from one address
        "SKAEL_REGISTER_LIMIT": "1000000",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("THEIRSTACK_API_KEY", None)
    return env


def prepare_data(workdir: Path, jobs: int, seed: int, env: dict[str, str]) -> Path:
    started = time.perf_counter()
    postings = write_postings(workdir / "jobs.jsonl", jobs, seed)
    log(f"generated {jobs} postings (seed {seed}) in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run([str(BIN / "skael"), "jobs", "import", str(postings)], env, workdir)
    log(f"skael jobs import: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run(
        [
            sys.executable,
            "-m",
            "peer.load",
            str(postings),
            "--database",
            f"sqlite:///{workdir / 'peer.db'}",
            "--skills",
            ",".join(SKILLS),
            "--role",
            str(PROFILE["desired_job_role"]),
            "--experience",
            str(PROFILE["experience"]),
        ],
        {**env, "PYTHONPATH": str(BENCH)},
        workdir,
    )
    log(f"peer load: {time.perf_counter() - started:.1f} s")
    shutil.copyfile(workdir / "peer.db", workdir / "strong.db")  # the strong peer's own file
    return postings


def run(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    for line in (done.stdout + done.stderr).strip().splitlines()[-2:]:
        log(f"  {line}")


# --------------------------------------------------------------------------- wrk


@dataclass(frozen=True)
class Target:
    """One endpoint on one server: the wrk script, its environment, a check request."""

    endpoint: str
    server: str
    url: str
    script: Path
    env: dict[str, str]


@dataclass
class Run:
    round: int
    endpoint: str
    server: str
    rps: float
    rps_all: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    cpu_ms_per_request: float
    load1: float
    seconds: float


@dataclass
class Row:
    endpoint: str
    server: str
    runs: list[Run] = field(default_factory=list)
    response_bytes: int = 0

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(target: Target, args: argparse.Namespace, duration: float) -> dict[str, float]:
    argv = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(duration))}s",  # wrk takes whole seconds
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(target.script),
        target.url,
    ]
    done = subprocess.run(
        argv, env={**os.environ, **target.env}, capture_output=True, text=True, check=True
    )
    out = done.stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "non_2xx": 0,
        "socket_errors": 0,
    }
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["socket_errors"] = sum(int(x) for x in m.groups())
    return result


def measure(
    target: Target, server: Server, args: argparse.Namespace, round_: int, duration: float
) -> Run:
    load1 = os.getloadavg()[0]
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    r = wrk(target, args, duration)
    cpu1, t1 = server.cpu_seconds(), time.perf_counter()
    requests = max(int(r["requests"]), 1)
    ok = (requests - int(r["non_2xx"])) / requests
    return Run(
        round=round_,
        endpoint=target.endpoint,
        server=target.server,
        rps=r["rps"] * ok,  # successful (2xx) responses per second
        rps_all=r["rps"],
        requests=int(r["requests"]),
        p50_ms=r["p50_ms"],
        p99_ms=r["p99_ms"],
        non_2xx=int(r["non_2xx"]),
        socket_errors=int(r["socket_errors"]),
        cpu_ms_per_request=(cpu1 - cpu0) * 1000 / requests,
        load1=load1,
        seconds=t1 - t0,
    )


def targets(
    servers: dict[str, Server], tokens: dict[str, str], user_ids: dict[str, int], jobs: int
) -> list[Target]:
    out = []
    for name, server in servers.items():
        token = tokens.get(name, "")
        out.append(
            Target(
                "get_job",
                name,
                server.url,
                HARNESS / "get_job.lua",
                {"BENCH_JOBS": str(jobs), "BENCH_TOKEN": token},
            )
        )
        out.append(
            Target(
                "health",
                name,
                server.url + "/health",
                HARNESS / "get_path.lua",
                {"BENCH_PATH": "/health", "BENCH_TOKEN": ""},
            )
        )
        if name == "bare":
            continue
        for endpoint, limit in (("list_jobs", LIST_LIMIT), ("list_jobs_1", 1)):
            path = f"/jobs/list_jobs/?skip=0&limit={limit}"
            out.append(
                Target(
                    endpoint,
                    name,
                    server.url + path,
                    HARNESS / "get_path.lua",
                    {"BENCH_PATH": path, "BENCH_TOKEN": token},
                )
            )
        body = json.dumps({"user_id": user_ids[name], "skip": 0, "limit": PAGE})
        out.append(
            Target(
                "relevant_jobs",
                name,
                server.url + "/jobs/relevant_jobs",
                HARNESS / "post_json.lua",
                {"BENCH_PATH": "/jobs/relevant_jobs", "BENCH_BODY": body, "BENCH_TOKEN": token},
            )
        )
    return out


def check(target: Target) -> int:
    """One request as wrk will send it: must be a 200 with a plausible body; its size."""
    token = target.env.get("BENCH_TOKEN") or None
    if target.endpoint == "get_job":
        status, body = http(
            f"{target.url}/jobs/{max(1, int(target.env['BENCH_JOBS']) // 2)}", token=token
        )
        ok = status == 200 and b'"job_title"' in body
    elif target.endpoint.startswith("list_jobs"):
        status, body = http(target.url, token=token)
        expected = LIST_LIMIT if target.endpoint == "list_jobs" else 1
        ok = status == 200 and len(json.loads(body)["jobs"]) == expected
    elif target.endpoint == "health":
        status, body = http(target.url)
        ok = status == 200 and b'"ok"' in body
    else:
        status, body = http(target.url, json.loads(target.env["BENCH_BODY"]), token=token)
        ok = status == 200 and len(json.loads(body)["jobs"]) == PAGE
    if not ok:
        raise SystemExit(f"{target.server} {target.endpoint}: {status} {body[:300]!r}")
    return len(body)


# --------------------------------------------------------------------------- profile


def profile(target: Target, server: Server, args: argparse.Namespace) -> str:
    """py-spy samples of Skael under wrk load: the top functions, inclusive and self.

    Only samples of a thread holding the GIL count (``--gil``): the Python work that
    bounds one worker's throughput. ``--native`` shows C frames too (the garbage
    collector, msgspec, sqlite3), so time they take is not charged to the caller.
    """
    spy = shutil.which("py-spy") or str(BIN / "py-spy")
    RESULTS.mkdir(parents=True, exist_ok=True)
    raw = RESULTS / f"{args.name}_profile_{target.endpoint}.txt"
    recorder = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(server.process.pid),
            "--duration",
            str(int(args.duration)),
            "--rate",
            "200",
            "--format",
            "raw",
            "--function",
            "--gil",
            "--native",
            "--output",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(0.5)
    r = wrk(target, args, args.duration)
    _, err = recorder.communicate(timeout=args.duration + 60)
    if recorder.returncode != 0:
        return f"py-spy failed: {err.decode(errors='replace')[-500:]}"
    return summarize_profile(raw, target, r["rps"], args.duration)


_NATIVE_KEPT = ("gc_collect_main", "msgspec", "_sqlite", "sqlite3_", "hmac", "_hashlib")
_PLUMBING = (
    "<module>",
    "Command.",
    "Group.invoke",
    "Context.invoke",
    "serve (",
    "run (",
    "Server.run",
    "asyncio_run",
    "Runner.run",
    "BaseEventLoop.run",
)


def _interesting(frame: str) -> bool:
    if frame.startswith(_PLUMBING):
        return False
    return ".py:" in frame or any(k in frame for k in _NATIVE_KEPT)


def summarize_profile(raw: Path, target: Target, rps: float, seconds: float, top: int = 30) -> str:
    total = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        n = int(count)
        total += n
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    per_request = 1000 * (total / 200) / max(rps * seconds, 1)  # ms of GIL time
    lines = [
        f"### py-spy: Skael `{target.endpoint}` under load ({rps:,.1f} req/s while sampled)",
        "",
        f"{total} samples holding the GIL at 200 Hz over {seconds:g} s "
        f"(GIL busy {100 * total / (200 * seconds):.0f}% of the time, about "
        f"{per_request:.2f} ms of GIL time per request). Shares are of these samples; "
        f"inclusive = the function and everything it called. Raw stacks: {raw}",
        "",
        "| inclusive | function |",
        "|---:|---|",
    ]
    shown = 0
    for f, n in inclusive.most_common():
        if not _interesting(f):
            continue
        lines.append(f"| {100 * n / max(total, 1):.1f}% | `{f}` |")
        shown += 1
        if shown >= top:
            break
    lines += ["", "| self | function |", "|---:|---|"]
    for f, n in own.most_common(15):
        lines.append(f"| {100 * n / max(total, 1):.1f}% | `{f}` |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- report


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in (
        "skael",
        "litestar",
        "msgspec",
        "fastapi",
        "pydantic",
        "starlette",
        "sqlalchemy",
        "aiosqlite",
        "uvicorn",
        "uvloop",
        "httptools",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    try:
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
        out["wrk"] = (wrk_version.stdout + wrk_version.stderr).split()[1]
    except FileNotFoundError:  # only bench_http.py itself needs wrk
        out["wrk"] = "-"
    out["sqlite"] = __import__("sqlite3").sqlite_version
    return out


def report(rows: dict[tuple[str, str], Row], args: argparse.Namespace, meta: dict[str, str]) -> str:
    lines = [
        "| endpoint | server | 2xx req/s (median) | min-max | p50 ms | p99 ms | CPU ms/req "
        "| bytes | Skael / this |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    # servers: skael; strong (bench/strong_peer); peer (bench/peer, seed-like); bare
    for endpoint in ENDPOINTS:
        skael = rows.get((endpoint, "skael"))
        for name in SERVERS:
            row = rows.get((endpoint, name))
            if row is None or not row.runs:
                continue
            rps = [r.rps for r in row.runs]
            ratio = ""
            if skael and name != "skael":
                ratio = f"**{skael.median('rps') / row.median('rps'):.2f}x**"
            lines.append(
                f"| {endpoint} | {name} | {row.median('rps'):,.0f} | "
                f"{min(rps):,.0f}-{max(rps):,.0f} | {row.median('p50_ms'):.1f} | "
                f"{row.median('p99_ms'):.1f} | {row.median('cpu_ms_per_request'):.2f} | "
                f"{row.response_bytes:,} | {ratio} |"
            )
    lines += ["", "| goal | measured | met |", "|---|---:|---|"]
    for endpoint, num, den, minimum in GOALS:
        a, b = rows.get((endpoint, num)), rows.get((endpoint, den))
        if not (a and b and a.runs and b.runs):
            continue
        ratio = a.median("rps") / b.median("rps")
        cpu_ratio = b.median("cpu_ms_per_request") / a.median("cpu_ms_per_request")
        lines.append(
            f"| {endpoint}: {num} >= {minimum:g}x {den} (req/s) | {ratio:.2f}x "
            f"(CPU/req: {cpu_ratio:.2f}x) | {'yes' if ratio >= minimum else 'NO'} |"
        )
    errors = [r for row in rows.values() for r in row.runs if r.non_2xx or r.socket_errors]
    if errors:
        lines += ["", "Runs with errors (non-2xx responses are not counted in req/s):"]
        lines += [
            f"- {r.server} {r.endpoint} round {r.round}: non-2xx {r.non_2xx}, "
            f"socket errors {r.socket_errors}"
            for r in errors
        ]
    lines += ["", "Machine and versions: " + ", ".join(f"{k} {v}" for k, v in meta.items())]
    return "\n".join(lines)


def write_csv(
    rows: dict[tuple[str, str], Row], meta: dict[str, str], name: str = "http"
) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    medians, runs = RESULTS / f"{name}.csv", RESULTS / f"{name}_runs.csv"
    with medians.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "endpoint",
                "server",
                "rounds",
                "rps_2xx_median",
                "rps_2xx_min",
                "rps_2xx_max",
                "p50_ms_median",
                "p99_ms_median",
                "cpu_ms_per_request_median",
                "response_bytes",
                "skael_over_this_rps",
                *meta,
            ]
        )
        for (endpoint, name), row in rows.items():
            skael = rows.get((endpoint, "skael"))
            ratio = skael.median("rps") / row.median("rps") if skael and name != "skael" else ""
            rps = [r.rps for r in row.runs]
            w.writerow(
                [
                    endpoint,
                    name,
                    len(row.runs),
                    f"{row.median('rps'):.1f}",
                    f"{min(rps):.1f}",
                    f"{max(rps):.1f}",
                    f"{row.median('p50_ms'):.2f}",
                    f"{row.median('p99_ms'):.2f}",
                    f"{row.median('cpu_ms_per_request'):.3f}",
                    row.response_bytes,
                    f"{ratio:.3f}" if ratio != "" else "",
                    *meta.values(),
                ]
            )
    with runs.open("w", newline="") as f:
        w = csv.writer(f)
        names = list(Run.__dataclass_fields__)
        w.writerow(names)
        for row in rows.values():
            for r in row.runs:
                w.writerow([getattr(r, n) for n in names])
    return medians, runs


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- main


@contextmanager
def servers_running(
    workdir: Path, env: dict[str, str], before: Path | None = None
) -> Iterator[dict[str, Server]]:
    servers: dict[str, Server] = {}
    try:
        servers["skael"] = start(
            "skael", [str(BIN / "skael"), "serve", "--port", "{port}"], env, workdir
        )
        if before is not None:
            path = os.pathsep.join(p for p in (str(before), env.get("PYTHONPATH")) if p)
            servers["before"] = start(
                "before",
                [str(BIN / "skael"), "serve", "--port", "{port}"],
                {**env, "PYTHONPATH": path},
                workdir,
            )
        servers["peer"] = start(
            "peer",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "peer.app:app",
                "--app-dir",
                str(BENCH),
                "--port",
                "{port}",
                *UVICORN,
            ],
            {**env, "PEER_DATABASE_URL": f"sqlite:///{workdir / 'peer.db'}"},
            workdir,
        )
        servers["strong"] = start(
            "strong",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "strong_peer.app:app",
                "--app-dir",
                str(BENCH),
                "--port",
                "{port}",
                *UVICORN,
            ],
            {**env, "PEER_DATABASE_URL": f"sqlite:///{workdir / 'strong.db'}"},
            workdir,
        )
        yield servers
    finally:
        for server in servers.values():
            stop(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3, help="seconds, once per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--endpoints", default=",".join(ENDPOINTS))
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        choices=ENDPOINTS,
        help="after the rounds, sample Skael on this endpoint with py-spy",
    )
    parser.add_argument(
        "--name", default="http", help="results file stem: bench/results/NAME.csv, NAME.md"
    )
    parser.add_argument("--workdir", type=Path, help="keep data and logs here (default: temp)")
    parser.add_argument(
        "--before",
        type=Path,
        help="also serve Skael from this src folder (another version) in the same rounds",
    )
    args = parser.parse_args(argv)
    endpoints = [e for e in args.endpoints.split(",") if e]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="skael-bench-http-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for db in ("skael.db", "peer.db", "strong.db"):
        for stale in (db, f"{db}-wal", f"{db}-shm"):
            (workdir / stale).unlink(missing_ok=True)
    env = skael_env(workdir)
    command = (
        shlex.join([Path(sys.executable).name, *sys.argv])
        if argv is None
        else shlex.join(["bench/bench_http.py", *argv])
    )
    meta = {"nproc": str(os.cpu_count()), "load_start": f"{os.getloadavg()[0]:.2f}"}
    log(f"workdir {workdir}; nproc {os.cpu_count()}; load {os.getloadavg()}")
    prepare_data(workdir, args.jobs, args.seed, env)

    with servers_running(workdir, env, args.before) as servers:
        skael = servers["skael"]
        status, body = http(skael.url + "/users/", PROFILE)
        if status != 201:
            raise SystemExit(f"register on Skael: {status} {body[:300]!r}")
        account = json.loads(body)
        tokens = {"skael": account["access_token"], "before": account["access_token"]}
        user_ids = {"skael": int(account["user_id"]), "peer": 1, "strong": 1}
        user_ids["before"] = user_ids["skael"]
        status, sample = http(f"{skael.url}/jobs/{max(1, args.jobs // 2)}", token=tokens["skael"])
        if status != 200:
            raise SystemExit(f"GET /jobs/{args.jobs // 2} on Skael: {status} {sample[:300]!r}")
        (workdir / "bare_body.json").write_bytes(sample)
        status, health = http(skael.url + "/health")
        if status != 200:
            raise SystemExit(f"GET /health on Skael: {status} {health[:300]!r}")
        (workdir / "bare_health.json").write_bytes(health)
        servers["bare"] = start(
            "bare",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "http_harness.bare:create_app",
                "--factory",
                "--app-dir",
                str(BENCH),
                "--port",
                "{port}",
                *UVICORN,
            ],
            {
                **env,
                "BARE_BODY_FILE": str(workdir / "bare_body.json"),
                "BARE_HEALTH_FILE": str(workdir / "bare_health.json"),
            },
            workdir,
        )
        all_targets = [
            t for t in targets(servers, tokens, user_ids, args.jobs) if t.endpoint in endpoints
        ]
        rows: dict[tuple[str, str], Row] = {}
        for t in all_targets:
            rows[(t.endpoint, t.server)] = Row(t.endpoint, t.server, response_bytes=check(t))
        order = sorted(
            all_targets, key=lambda t: (ENDPOINTS.index(t.endpoint), SERVERS.index(t.server))
        )
        if args.warmup > 0:
            for t in order:
                wrk(t, args, args.warmup)
            log(f"warmed up ({args.warmup:g} s per target)")
        started = time.perf_counter()
        for round_ in range(1, args.rounds + 1):
            for t in order:
                r = measure(t, servers[t.server], args, round_, args.duration)
                rows[(t.endpoint, t.server)].runs.append(r)
                log(
                    f"round {round_} {t.endpoint:13} {t.server:5} {r.rps:9,.1f} req/s  "
                    f"p50 {r.p50_ms:7.1f} ms  cpu {r.cpu_ms_per_request:6.2f} ms/req  "
                    f"load {r.load1:.2f}"
                    + (
                        f"  ERRORS {r.non_2xx}/{r.socket_errors}"
                        if r.non_2xx or r.socket_errors
                        else ""
                    )
                )
        log(f"measured in {time.perf_counter() - started:.0f} s")
        profiles = [
            profile(t, skael, args)
            for endpoint in args.profile
            for t in all_targets
            if t.endpoint == endpoint and t.server == "skael"
        ]

    meta |= {
        "load_end": f"{os.getloadavg()[0]:.2f}",
        "jobs": str(args.jobs),
        "rounds": str(args.rounds),
        "duration_s": f"{args.duration:g}",
        "wrk_args": f"-t{args.threads} -c{args.connections}",
    }
    info = versions() | meta
    medians, runs = write_csv(rows, info, args.name)
    text = report(rows, args, info)
    print(f"## Skael HTTP throughput ({args.jobs} jobs)\n")
    print(f"Command: `{command}`\n")
    print(text)
    for p in profiles:
        print("\n" + p)
    report_file = RESULTS / f"{args.name}.md"
    report_file.write_text(
        "\n\n".join([f"## Skael HTTP throughput ({args.jobs} jobs)", f"Command: `{command}`", text])
        + "".join("\n\n" + p for p in profiles)
        + "\n"
    )
    print(
        f"\nCSV: {medians} (medians), {runs} (every run); {report_file}; server logs in {workdir}"
    )


if __name__ == "__main__":
    main()
