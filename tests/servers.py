"""Real `skael serve` processes for tests that cross process boundaries.

``running_server(env, workdir)`` starts the installed command on a free loopback port,
waits until ``GET /health`` answers, yields a :class:`ServerProcess` and stops it
(SIGTERM, then SIGKILL) when the block ends. Its log goes to a file in ``workdir`` so a
failing test can show what the server said.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SKAEL = str(Path(sys.executable).parent / "skael")
SECRET = "test-secret-0123456789abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, Any]:
        """One JSON request; the status and the decoded body (``None`` when empty)."""
        return http_json(method, self.url + path, body, token, timeout)


def http_json(
    method: str, url: str, body: Any = None, token: str | None = None, timeout: float = 30.0
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, raw.decode(errors="replace")


def server_env(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a test server: its database, a fixed secret, no provider key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SKAEL_", "THEIRSTACK_"))}
    env.update(
        SKAEL_DATABASE_URL=database_url,
        SKAEL_SECRET_KEY=SECRET,
        SKAEL_DATA_DIR=str(workdir / ".skael"),
        SKAEL_SEED_SAMPLE="false",
        # every test client registers from 127.0.0.1: the per-address back-off of
        # registrations is tested in process (tests/web/test_sessions_hardening.py)
        SKAEL_REGISTER_LIMIT="1000000",
        # Redis keys of its own: user ids restart in every test database, and a token
        # floor or a login count left by another run must not reach this one
        SKAEL_REDIS_NAMESPACE=f"skael-test-{uuid.uuid4().hex[:12]}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


@contextmanager
def running_server(
    env: Mapping[str, str],
    workdir: Path,
    *,
    name: str = "server",
    workers: int = 1,
    start_timeout: float = 60.0,
) -> Iterator[ServerProcess]:
    port = free_port()
    log_path = workdir / f"{name}-{port}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [SKAEL, "serve", "--port", str(port), "--workers", str(workers)],
            env=dict(env),
            cwd=workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(process, port, log_path)
    try:
        _wait_healthy(server, start_timeout)
        yield server
    finally:
        stop_server(server)


def stop_server(server: ServerProcess) -> None:
    if server.process.poll() is not None:
        return
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=15)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)


def _wait_healthy(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            code = server.process.returncode
            raise RuntimeError(f"the server exited with {code}:\n{server.log()}")
        try:
            status, _ = http_json("GET", server.url + "/health", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer /health within {timeout} s:\n{server.log()}")
