"""The Skael frontend's calls, replayed: its payloads, and how it reads each answer.

Written from the frontend's source (public repository ``KnightCoder27/Skael``, commit
4245c2e); each payload builder and reader names the file it comes from. The replay
runs against two surfaces (:class:`Surface`): the contract's (``/``) and the original
backend's (``/v0``). Where the contract's answer has another shape than the frontend
reads (a list wrapped in ``{"jobs": [...]}``, ``key_info`` a list), ``Surface`` says
how a contract client finds the same data; on ``/v0`` the frontend's own reading is
used unchanged.

How a session gets its bearer token is one parameter, the :class:`AuthMode`:

- :class:`SkaelTokens`: Skael's own ``access_token`` from register and login.
- :class:`IdTokens`: ID tokens of a test OpenID Connect issuer, as the frontend sends
  Firebase's: the app's settings trust the issuer, and after sign-in (and after a
  password change, which does not touch the provider's token) the session sends an ID
  token for the person's e-mail, ``email_verified: true``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from litestar.testing import TestClient

from oidc_issuer import TestIssuer

FRONTEND = "KnightCoder27/Skael@4245c2e"
JOBS_PER_PAGE = 12  # src/app/jobs/page.tsx: const JOBS_PER_PAGE = 12
FETCH_LIMIT = 10  # src/app/jobs/page.tsx: DEFAULT_JOB_FETCH_LIMIT (and MAX_JOB_FETCH_LIMIT)
MAX_AGE_DAYS = 30  # src/app/jobs/page.tsx: DEFAULT_JOB_MAX_AGE_DAYS


# --------------------------------------------------------------------------- surfaces


@dataclass(frozen=True)
class Surface:
    """One of Skael's two HTTP surfaces, and how the frontend's data sits in its answers."""

    name: str
    prefix: str

    @property
    def original(self) -> bool:
        return self.prefix == "/v0"

    def items(self, body: Any, key: str) -> list[dict[str, Any]]:
        """A list answer's items: a bare array on /v0 (what the frontend reads), the
        envelope's ``key`` on the contract surface."""
        if self.original:
            assert isinstance(body, list), body
            return body
        assert body["messages"] == "success"
        found: list[dict[str, Any]] = body[key]
        return found

    def key_info(self, job: dict[str, Any]) -> dict[str, Any] | None:
        """The key information the job details modal shows.

        src/components/app/job-details-modal.tsx: ``JSON.parse(job.key_info)`` and shows
        it when it is a non-empty object. The contract's ``key_info`` is a list.
        """
        value = job["key_info"]
        if self.original:
            if value is None:
                return None
            assert isinstance(value, str)
            parsed = json.loads(value)
            assert isinstance(parsed, dict) and parsed
            return parsed
        assert isinstance(value, list)
        return {f"requirement_{n}": item for n, item in enumerate(value, start=1)} or None


CONTRACT = Surface("contract", "")
ORIGINAL = Surface("v0", "/v0")
SURFACES = (CONTRACT, ORIGINAL)


# --------------------------------------------------------------------------- auth modes


class AuthMode(Protocol):
    """How a replayed session obtains the bearer token it sends after sign-in."""

    name: str

    def settings(self) -> dict[str, Any]:
        """Settings of the app (``skael_web.settings.Settings`` fields) this mode needs."""
        ...

    def after_sign_in(self, app: Frontend, answer: dict[str, Any]) -> str:
        """The token after register or login (``answer`` is their JSON)."""
        ...

    def after_password_change(self, app: Frontend) -> str:
        """The token after ``change_password`` (Skael revokes its own earlier tokens)."""
        ...


class SkaelTokens:
    """Skael's own tokens: the ``access_token`` of register and login."""

    name = "skael"

    def settings(self) -> dict[str, Any]:
        return {}

    def after_sign_in(self, app: Frontend, answer: dict[str, Any]) -> str:
        token: str = answer["access_token"]
        return token

    def after_password_change(self, app: Frontend) -> str:
        # A frontend without an identity provider signs in again with the new password.
        return self.after_sign_in(app, app.login(step="auth: sign in again").json())


class IdTokens:
    """ID tokens of an identity provider, as the frontend sends Firebase's: the person
    is registered with ``POST /users/`` (and signs in at the provider), then every call
    carries an ID token for their e-mail, verified. The issuer is a loopback
    ``oidc_issuer.TestIssuer`` that a fixture starts and hands over as ``issuer``, and
    it mints at the app's clock. A password change at Skael leaves the provider's
    token as it was."""

    name = "idtoken"

    def __init__(self) -> None:
        self.issuer: TestIssuer | None = None

    def _started(self) -> TestIssuer:
        if self.issuer is None:
            raise RuntimeError("the replay's issuer fixture has not started the issuer")
        return self.issuer

    def settings(self) -> dict[str, Any]:
        return dict(self._started().settings())

    def after_sign_in(self, app: Frontend, answer: dict[str, Any]) -> str:
        person = app.person
        return self._started().mint(
            f"firebase-{person.email}", email=person.email, name=person.name
        )

    def after_password_change(self, app: Frontend) -> str:
        return self.after_sign_in(app, {})


AUTH_MODES: tuple[AuthMode, ...] = (SkaelTokens(), IdTokens())


# --------------------------------------------------------------------------- the person


@dataclass
class Person:
    """What the person types into the frontend's forms."""

    name: str = "Asha Rao"
    email: str = "asha.rao@example.com"
    password: str = "Start#Pass2026"
    new_password: str = "Changed#Pass2027"
    phone: str = "+91 98765 43210"


@dataclass
class Call:
    """One call the replay made: what, where, and the status it got."""

    step: str
    method: str
    path: str
    status: int


@dataclass
class Frontend:
    """The frontend's API client (src/lib/apiClient.ts): JSON, ``Authorization: Bearer``
    on every call once signed in, against one surface."""

    client: TestClient[Any]
    surface: Surface
    auth: AuthMode
    person: Person = field(default_factory=Person)
    token: str | None = None
    user_id: int | None = None
    calls: list[Call] = field(default_factory=list)

    def frontend_steps(self) -> list[str]:
        """The steps of the calls the frontend made (not those of the auth mode)."""
        return [c.step for c in self.calls if not c.step.startswith("auth:")]

    def call(self, step: str, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.client.request(
            method, f"{self.surface.prefix}{path}", headers=headers, **kwargs
        )
        self.calls.append(Call(step, method, path, response.status_code))
        return response

    # src/app/auth/page.tsx, onRegisterSubmit: UserIn
    def register(self) -> Any:
        p = self.person
        payload = {
            "username": p.name,
            "email": p.email,
            "number": p.phone,
            "password": p.password,
            "has_agreed_terms": True,
        }
        return self.call("register", "POST", "/users/", json=payload)

    # src/app/auth/page.tsx, onLoginSubmit: UserLogin
    def login(self, step: str = "login") -> Any:
        payload = {"email": self.person.email, "password": self.person.password}
        return self.call(step, "POST", "/users/login", json=payload)

    def profile(self, step: str = "profile") -> Any:
        # src/contexts/AuthContext.tsx, fetchBackendUserProfile
        return self.call(step, "GET", f"/users/{self.user_id}")

    def save_section(self, section: str, payload: dict[str, Any]) -> Any:
        # src/app/profile/page.tsx, handleSaveSection: every section carries `country`
        return self.call(f"profile: {section}", "PUT", f"/users/{self.user_id}", json=payload)


def now_iso() -> str:
    """``new Date().toISOString()``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def saved_job_ids(activities: list[dict[str, Any]]) -> set[int]:
    """The saved jobs as the frontend derives them from a person's activities.

    src/app/jobs/page.tsx, populateCacheAndSavedJobIds (and src/app/tracker/page.tsx,
    fetchAndProcessActivities): per job, the latest JOB_SAVED or JOB_UNSAVED by
    ``created_at`` (a later one only replaces an earlier one when strictly later).
    """
    latest: dict[int, tuple[str, datetime]] = {}
    for activity in activities:
        job_id, action = activity["job_id"], activity["action_type"]
        if job_id is None or action not in ("JOB_SAVED", "JOB_UNSAVED"):
            continue
        at = datetime.fromisoformat(activity["created_at"].replace("Z", "+00:00"))
        if job_id not in latest or at > latest[job_id][1]:
            latest[job_id] = (action, at)
    return {job_id for job_id, (action, _) in latest.items() if action == "JOB_SAVED"}


def technology_badges(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The technologies the frontend keeps (src/app/jobs/page.tsx, mapBackendJobToFrontend):
    only objects with ``id``, ``technology_name`` and ``technology_slug``."""
    return [
        t
        for t in job.get("technologies") or []
        if isinstance(t, dict)
        and t.get("id") is not None
        and t.get("technology_name") is not None
        and t.get("technology_slug") is not None
    ]
