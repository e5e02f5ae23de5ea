from __future__ import annotations

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
