"""What handlers receive from the app's dependencies (provided in ``skael_web.app``)."""

from __future__ import annotations

from typing import TypeAlias

from litestar.di import NamedDependency

from skael_core.service import Skael
from skael_core.usecases.common import Caller

Core: TypeAlias = NamedDependency[Skael]
"""``core``: every use case."""

CurrentCaller: TypeAlias = NamedDependency[Caller]
"""``caller``: the authenticated user of the request."""

DatabaseOk: TypeAlias = NamedDependency[bool]
"""``database_ok``: whether the store of record answers."""
