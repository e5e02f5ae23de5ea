"""Schemathesis hooks of ``test_openapi_fuzz.py``: what only a real client knows.

Loaded by ``schemathesis run`` through ``SCHEMATHESIS_HOOKS=fuzz_hooks``; the test passes
the server, its shared user and the pass in ``SKAEL_FUZZ_*`` variables.

Values the schema cannot tell valid from invalid: whether a country name is known,
whether a password is the current one, whether the body names the job of the path,
whether a time zone is at the offset of an interview's start,
whether two spellings of one field agree. Where such a value has the documented type,
it is made what a client that knows it would send (schemathesis then judges the case as
it is sent, valid or not). In the pass of the operations that revoke a token, the calls
are made by users of their own (a new one after each call that succeeded, and so may
have revoked its token), and name that user where they named the shared one.
"""

from __future__ import annotations

import itertools
import json
import os
import urllib.request
import uuid
from typing import Any, Final

import schemathesis

COUNTRY_FIELDS: Final = frozenset({"countries", "country", "country_code"})
KNOWN_COUNTRIES: Final = ("IN", "Germany", "us")
SPELLINGS: Final = (
    ("user_name", "username"),
    ("email_id", "email"),
    ("phone_number", "number"),
    ("countries", "country"),
    ("metadata", "activity_metadata"),
)
PASSWORD: Final = os.environ.get("SKAEL_FUZZ_PASSWORD", "")
SHARED_USER: Final = int(os.environ.get("SKAEL_FUZZ_USER_ID", "0"))
URL: Final = os.environ.get("SKAEL_FUZZ_URL", "")
FRESH_USERS: Final = os.environ.get("SKAEL_FUZZ_FRESH_USERS") == "1"
RUN: Final = uuid.uuid4().hex[:8]
_COUNTER: Final = itertools.count(1)
_CALLER: Final[list[int | str]] = []
"""The id and token of the revoking pass's current user, until a call revokes them."""


def _id(value: Any) -> int | None:
    """A positive id: an int, a whole float (JSON's 2.0 is an integer) or, as schemathesis
    may keep path values, a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > 0:
        return int(value)
    return None


def _known_country(value: Any, index: int) -> Any:
    if isinstance(value, str):
        return KNOWN_COUNTRIES[index % len(KNOWN_COUNTRIES)] if value.strip() else value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [KNOWN_COUNTRIES[(index + i) % len(KNOWN_COUNTRIES)] for i in range(len(value))]
    return value


def as_a_client_would(case: Any) -> None:
    """Fill in what only a real client knows, where ``case`` has the documented type."""
    if isinstance(case.query, dict):
        for i, name in enumerate(sorted(COUNTRY_FIELDS & case.query.keys())):
            case.query[name] = _known_country(case.query[name], i)
    body = case.body
    if not isinstance(body, dict):
        return
    for i, name in enumerate(sorted(COUNTRY_FIELDS & body.keys())):
        body[name] = _known_country(body[name], i)
    for name, alias in SPELLINGS:
        if name in body and alias in body:
            body[alias] = body[name]
    if isinstance(body.get("webhook_url"), str):  # a URL the server can call
        body["webhook_url"] = "https://hooks.example.com/skael"
    if isinstance(body.get("old_password"), str):
        body["old_password"] = PASSWORD
    if isinstance(body.get("time_zone"), str):  # the zone of the start: the client knows it
        body["time_zone"] = None
    path_job = _id((case.path_parameters or {}).get("job_id"))
    if path_job is not None and _id(body.get("job_id")) is not None:
        body["job_id"] = path_job


def fresh_user() -> tuple[int, str]:
    """A new account on the server: its id and token."""
    body = {"user_name": "Fresh", "email_id": f"fresh-{RUN}-{next(_COUNTER)}@example.com"}
    data = json.dumps({**body, "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{URL}/users/", data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    return int(answer["user_id"]), str(answer["access_token"])


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Every call as a client would make it."""
    del context, kwargs
    as_a_client_would(case)


class OwnUser:
    """The revoking pass's authentication: a user of its own for the calls, a new one
    after each call that succeeded (and so may have revoked its token); a call naming
    the group's user names this one instead."""

    def get(self, case: Any, context: Any) -> tuple[int, str]:
        del case, context
        if not _CALLER:
            _CALLER.extend(fresh_user())
        user_id, token = _CALLER
        return int(user_id), str(token)

    def set(self, case: Any, data: tuple[int, str], context: Any) -> None:
        del context
        user_id, token = data
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        if case.path_parameters and _id(case.path_parameters.get("user_id")) == SHARED_USER:
            case.path_parameters["user_id"] = user_id


def used_up(context: Any, case: Any, response: Any) -> None:
    del context, case
    if 200 <= response.status_code < 300:
        _CALLER.clear()


if FRESH_USERS:
    schemathesis.auth(refresh_interval=None)(OwnUser)
    schemathesis.hook("after_call")(used_up)
