from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from skael_adapters.system import FixedClock
from skael_core.service import Skael
from support import NOW, ListJobSource, make_core
from theirstack_fake import FakeTheirstack, running_fake


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def source() -> ListJobSource:
    return ListJobSource()


@pytest.fixture
def core(clock: FixedClock, source: ListJobSource) -> Skael:
    return make_core(clock=clock, source=source)


@pytest.fixture(scope="session")
def theirstack_server() -> Iterator[FakeTheirstack]:
    """A fake Theirstack on loopback, shared by the session; tests set its script."""
    with running_fake() as fake:
        yield fake


_postgres_passed: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count passed PostgreSQL tests; with pytest-xdist the reports reach the controller here."""
    if report.when == "call" and report.passed and "postgres" in report.keywords:
        _postgres_passed.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a run in which no PostgreSQL test really ran fails, whatever else passed."""
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report and judges
    if os.environ.get("CI") and session.testscollected > 100 and not _postgres_passed:
        print("\nCI: no PostgreSQL test ran; set SKAEL_TEST_POSTGRES_URL", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
