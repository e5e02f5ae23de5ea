from __future__ import annotations

import pytest

from skael_adapters.system import FixedClock
from skael_core.service import Skael
from support import NOW, ListJobSource, make_core


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def source() -> ListJobSource:
    return ListJobSource()


@pytest.fixture
def core(clock: FixedClock, source: ListJobSource) -> Skael:
    return make_core(clock=clock, source=source)
