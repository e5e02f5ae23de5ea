"""The one error tree of Skael's core.

Use cases raise these; adapters translate driver and HTTP-client failures into them;
the web layer maps each kind to a status with one table. None carries an HTTP code.

    SkaelError
    ├── NotFound                 a named resource does not exist (or is not visible)
    ├── Conflict                 the change clashes with stored state (email taken)
    ├── Forbidden                the actor may not touch another user's data
    ├── Unauthenticated          missing, bad, expired or revoked credentials
    ├── InvalidInput             values that break a rule; ``errors`` names each field
    ├── TooLarge                 an upload past its size limit (``limit`` bytes)
    ├── Throttled                too many attempts; ``retry_after`` seconds to wait
    ├── StoreUnavailable         the store of record did not answer (connection lost, refused,
    │                            timed out, locked); trying again may work
    ├── IdentityProviderUnavailable  the identity provider's signing keys could not be
    │                            fetched; trying again may work
    └── ProviderError            the job-data provider failed (``provider`` names it)
        ├── ProviderUnavailable  outage, 5xx, connection refused, rate limit exhausted
        ├── ProviderTimeout      no answer within the deadline
        ├── ProviderRejectedKey  the API key is missing, wrong or lacks permission
        ├── ProviderOutOfCredits the account has no credits left
        ├── ProviderBadRequest   the provider refused the request we built
        └── ProviderBadResponse  the answer was not the shape the provider documents
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class SkaelError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(SkaelError):
    """A named resource does not exist."""

    def __init__(self, resource: str, key: object) -> None:
        super().__init__(f"{resource} {key} not found")
        self.resource = resource
        self.key = key


class Conflict(SkaelError):
    """The change clashes with stored state."""


class Forbidden(SkaelError):
    """The acting user may not read or change this data."""


class Unauthenticated(SkaelError):
    """Credentials are missing, wrong, expired or revoked."""


class FieldError:
    """One field's problem inside an :class:`InvalidInput`."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FieldError({self.field!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FieldError)
            and other.field == self.field
            and other.message == self.message
        )

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class InvalidInput(SkaelError):
    """Input breaks a rule; ``errors`` lists each field and what is wrong with it."""

    def __init__(self, errors: Iterable[FieldError] | Mapping[str, str]) -> None:
        if isinstance(errors, Mapping):
            items = [FieldError(k, v) for k, v in errors.items()]
        else:
            items = list(errors)
        self.errors = items
        summary = "; ".join(f"{e.field}: {e.message}" for e in items)
        super().__init__(f"invalid input: {summary}" if summary else "invalid input")

    @classmethod
    def field(cls, field: str, message: str) -> InvalidInput:
        return cls([FieldError(field, message)])


class TooLarge(SkaelError):
    """An upload is larger than the ``limit`` (bytes) taken."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} is larger than {limit:,} bytes, the most taken")
        self.limit = limit
class BadRecordError(SkaelError):
    """A record an ingestion under the strict policy could not read: nothing stored."""

    def __init__(self, where: str, error: str) -> None:
        super().__init__(f"bad record at {where}: {error}; nothing stored")
        self.where = where
        self.error = error


class Throttled(SkaelError):
    """Too many attempts; the caller should wait ``retry_after`` seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))


class StoreUnavailable(SkaelError):
    """The store of record failed to answer; trying again may work."""


class IdentityProviderUnavailable(SkaelError):
    """The signing keys of the configured identity provider could not be fetched, so its
    tokens cannot be checked now; trying again may work."""


class ProviderError(SkaelError):
    """The job-data provider failed; ``provider`` names it."""

    reason = "failed"

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(
            f"{provider}: {self.reason}: {message}" if message else f"{provider}: {self.reason}"
        )
        self.provider = provider
        self.message = message


class ProviderUnavailable(ProviderError):
    reason = "unavailable"


class ProviderTimeout(ProviderError):
    reason = "timed out"


class ProviderRejectedKey(ProviderError):
    reason = "rejected the API key"


class ProviderOutOfCredits(ProviderError):
    reason = "out of API credits"


class ProviderBadRequest(ProviderError):
    reason = "rejected the request"


class ProviderBadResponse(ProviderError):
    reason = "sent an unexpected response"


def all_error_kinds() -> list[type[SkaelError]]:
    """Every concrete class of the tree, for exhaustiveness checks."""
    found: list[type[SkaelError]] = []
    stack: list[type[SkaelError]] = [SkaelError]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found
