"""What every use case shares: the acting user, ownership, and reading helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from ..errors import Forbidden, InvalidInput, NotFound
from ..model import Activity, Job, User
from ..ports import Clock, UnitOfWork, UnitOfWorkFactory


class Caller(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated user behind a call, and the token that proved it."""

    user_id: int
    token_id: str = ""
    expires_at: datetime | None = None


def owner(actor: int, user_id: int | None) -> int:
    """The user a call acts on: ``user_id`` if given and the actor's own, else the actor.

    Naming another user's id is ``Forbidden``: nobody reads or changes another's data.
    """
    if user_id is None or user_id == actor:
        return actor
    if user_id <= 0:
        raise InvalidInput.field("user_id", "must be a positive integer")
    raise Forbidden("you may only act on your own data")


async def load_user(uow: UnitOfWork, user_id: int) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


async def hold_user(uow: UnitOfWork, user_id: int) -> User:
    """``load_user``, holding the user until ``uow`` ends (``UserRepository.lock``): a
    rule on how much a user owns is checked and kept by one unit of work at a time."""
    user = await uow.users.lock(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


async def load_job(uow: UnitOfWork, job_id: int) -> Job:
    job = await uow.jobs.get(job_id)
    if job is None:
        raise NotFound("job", job_id)
    return job


class UseCase:
    """Base of the use cases that need storage and time."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _log(
        self,
        uow: UnitOfWork,
        user_id: int,
        action_type: str,
        job_id: int | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Activity:
        activity = Activity(
            user_id=user_id,
            job_id=job_id,
            action_type=action_type,
            metadata=metadata or {},
            created_at=self._clock.now(),
        )
        return await uow.activities.add(activity)
