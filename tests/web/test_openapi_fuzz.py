"""Schemathesis over the app's own OpenAPI document, with every check it has.

The app is the one the other web tests drive (tests/web/conftest.py): the real
Litestar app on the in-memory container, with a registered user whose bearer token
authenticates the generated requests, and the sample jobs stored so that job ids exist.
Every check of schemathesis is on (its default: server errors, status codes, content
types, response schemas and headers, schema-valid data accepted and schema-violating
data rejected, missing headers, unsupported methods, Allow headers, ignored auth, ...).
Each operation gets a fixed, derandomized budget of examples and no example database,
so a run is the same run every time.

The schema is loaded when the module is imported, as schemathesis makes one test per
operation at collection time; building the app is cheap and touches nothing outside.
"""

from __future__ import annotations

import itertools
from typing import Any, Final

import schemathesis
from hypothesis import settings
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis.checks import positive_data_acceptance
from schemathesis.python import asgi

from skael_web.app import create_app
from web.web_support import Account, build_world, fetch_jobs, sign_up

MAX_EXAMPLES: Final = 25
STEPS: Final = 6
SCHEMA_URL: Final = "/schema/openapi.json"

# Each of these can revoke the token it is called with: logout this token, a password
# change (also through PUT /users/{user_id}) every token of the user, a deletion the
# user. They are left out of the run that shares one token and run below, each
# generated case with a fresh user of its own (on both surfaces, / and /v0).
REVOKING: Final = (
    r"^(POST (/v0)?/users/logout"
    r"|PUT (/v0)?/users/\{user_id\}"
    r"|DELETE (/v0)?/users/\{user_id\}"
    r"|POST (/v0)?/users/\{user_id\}/change_password)$"
)

BUDGET: Final = settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None)

# Values the schema cannot tell valid from invalid: whether a country name is known,
# whether a password is the current one, whether the body names the job of the path.
# Where such a value has the documented type, it is made what a client that knows it
# would send (schemathesis then judges the case as it is sent, valid or not).
COUNTRY_FIELDS: Final = frozenset({"countries", "country", "country_code"})
KNOWN_COUNTRIES: Final = ("IN", "Germany", "us")


def _config() -> schemathesis.Config:
    config = schemathesis.Config()
    # allow_extra_parameters=False: a query parameter or header the operation does not
    # name is not a schema violation here; like most HTTP APIs this one ignores them
    # (cache busters, proxies), so they are not generated as "invalid" requests.
    config.projects.default.generation.update(
        max_examples=MAX_EXAMPLES,
        deterministic=True,
        database="none",
        allow_extra_parameters=False,
    )
    return config


def _app_with_data() -> tuple[Litestar, Account]:
    """The app as conftest.py builds it, with a user and the sample jobs stored."""
    # every case comes from one client address, and the revoking cases register an
    # account each: registrations are not what this throttles
    app = create_app(build_world(register_limit=1_000_000).container)
    with TestClient(app) as client:
        account = sign_up(client, "fuzz@example.com", user_name="Fuzz", skills="python, django")
        assert fetch_jobs(client, account)
    return app, account


APP, ACCOUNT = _app_with_data()
FRESH = itertools.count(1)
schema = schemathesis.openapi.from_asgi(SCHEMA_URL, APP, config=_config())


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


def _as_a_client_would(case: Any, caller: Account) -> None:
    """Fill in what only a real client knows, where ``case`` has the documented type."""
    if isinstance(case.query, dict):
        for i, name in enumerate(sorted(COUNTRY_FIELDS & case.query.keys())):
            case.query[name] = _known_country(case.query[name], i)
    body = case.body
    if not isinstance(body, dict):
        return
    for i, name in enumerate(sorted(COUNTRY_FIELDS & body.keys())):
        body[name] = _known_country(body[name], i)
    if isinstance(body.get("old_password"), str):
        body["old_password"] = caller.password
    path_job = _id((case.path_parameters or {}).get("job_id"))
    if path_job is not None and _id(body.get("job_id")) is not None:
        body["job_id"] = path_job


# /v0 answers a taken e-mail at registration with the original backend's 400 (tested in
# tests/replay), where schemathesis expects a conflict to be a 409.
ORIGINAL_BACKEND_ANSWERS: Final = {"POST /v0/users": [positive_data_acceptance]}


@schema.exclude(name_regex=REVOKING).parametrize()
@BUDGET
def test_operation_conforms_to_its_documentation(case: Any) -> None:
    _as_a_client_would(case, ACCOUNT)
    excluded = ORIGINAL_BACKEND_ANSWERS.get(case.operation.label, [])
    case.call_and_validate(headers=ACCOUNT.headers, excluded_checks=excluded)


def _fresh_user() -> Account:
    """A new account, registered through the client schemathesis itself calls the app with
    (one event loop for the app, whatever calls it)."""
    with asgi.get_client(APP) as client:
        email = f"fresh-{next(FRESH)}@example.com"
        return sign_up(client, email, user_name="Fresh")  # type: ignore[arg-type]


def _act_as(case: Any, caller: Account) -> None:
    """``case`` sent by ``caller``: where it names the shared user's id, it names the caller's."""
    if case.path_parameters and _id(case.path_parameters.get("user_id")) == ACCOUNT.user_id:
        case.path_parameters["user_id"] = caller.user_id
    _as_a_client_would(case, caller)


@schema.include(name_regex=REVOKING).parametrize()
@BUDGET
def test_revoking_operation_conforms_to_its_documentation(case: Any) -> None:
    fresh = _fresh_user()
    _act_as(case, fresh)
    case.call_and_validate(headers=fresh.headers)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the links schemathesis infers (an id a response gives
    used by the next request): the stateful checks (use after free, resource
    availability) run here. Each sequence is a fresh user's, so one that logs out,
    changes the password or deletes the account spoils no other."""

    caller: Account

    def setup(self) -> None:
        self.caller = _fresh_user()

    def before_call(self, case: Any) -> None:
        _act_as(case, self.caller)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": self.caller.headers}


TestWorkflow = Workflow.TestCase
TestWorkflow.settings = settings(
    max_examples=MAX_EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=True,
    database=None,
    deadline=None,
)
