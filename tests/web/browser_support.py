"""A real server and a real browser for the web tests.

The server is uvicorn in a subprocess, serving ``skael_web.app:create_app`` on a free
loopback port with an in-memory database. The browser is the machine's Chromium (Debian's
``chromium`` package), driven by Playwright for Python with that executable: Playwright's
own browser downloads are not used.

Without a Chromium the browser tests skip, except in CI (``CI`` set), where they fail:
CI installs it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import httpx
import pytest

CHROMIUM: Final = "/usr/bin/chromium"
CHROMIUM_ARGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK: Final = "127.0.0.1"
START_TIMEOUT: Final = 20.0
STOP_TIMEOUT: Final = 10.0


def _missing(reason: str) -> None:
    """Skip the test, or fail it in CI, where everything a test needs is installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: .ci/run must install it)", pytrace=False)
    pytest.skip(reason)


def chromium_or_skip() -> str:
    """The Chromium executable; the test skips without one (fails in CI)."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    found = shutil.which("chromium")
    if found is None:
        _missing("no chromium binary (apt-get install chromium)")
    assert found is not None
    return found


def playwright_or_skip() -> None:
    """Playwright for Python is importable; the test skips without it (fails in CI)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright for Python is not installed (pip install playwright)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(data_dir: Path) -> dict[str, str]:
    """The environment of a server on a memory database that reaches nothing outside."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SKAEL_") and k != "THEIRSTACK_API_KEY"
    }
    env.update(
        SKAEL_DATABASE_URL="memory://",
        SKAEL_SECRET_KEY=secrets.token_urlsafe(48),
        SKAEL_DATA_DIR=str(data_dir),
    )
    return env


@contextmanager
def running_server(data_dir: Path) -> Iterator[str]:
    """``uvicorn --factory skael_web.app:create_app`` on a free loopback port; its base URL.

    The server's output goes to ``data_dir/server.log``, shown when it does not start.
    """
    port = free_port()
    base_url = f"http://{LOOPBACK}:{port}"
    log_path = data_dir / "server.log"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "skael_web.app:create_app",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=server_env(data_dir), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(process, base_url, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    output = log_path.read_text(errors="replace")[-4000:]
    pytest.fail(f"the server did not start at {base_url}:\n{output}", pytrace=False)
