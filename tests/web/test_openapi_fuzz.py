"""Schemathesis over the OpenAPI document of a live `skael serve`, with every check it has.

The server is a real process on PostgreSQL (the strictest store: no NUL in text, 64-bit
integers), started for this module (tests/servers.py), with the sample jobs stored; the
generated requests carry the bearer token of a registered user. ``schemathesis
run`` tests it with every check (server errors, status codes, content types, response
schemas and headers, schema-valid data accepted and schema-violating data rejected,
missing headers, unsupported methods, Allow headers, ignored auth, and in the stateful
phase use after free and resource availability), in every phase (the documented
examples, coverage, fuzzing, stateful), at least :data:`MAX_EXAMPLES` fuzzed cases per
operation, derandomized and without an example database, so a run is the same run
every time.

Three ``schemathesis run`` processes at once (:data:`GROUPS`): two groups of the
operations that leave the token working, each with a user of its own; then the operations
that revoke a token (logout, password change, account deletion), whose calls are made
by users of their own, a new one after each call that succeeded (``fuzz_hooks.py``,
which also fills in what only a real client knows). Each fails on any failed check, and
the server's log must hold no unhandled error.

NUL is left out of generated text (``--generation-allow-x00 false``): the API refuses it
in every text (docs/api.md) and JSON Schema cannot say so; the boundary tests cover it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest

from scaleout.scaleout_support import schema_of_its_own
from servers import SKAEL, ServerProcess, running_server, server_env
from support import server_url
from web.web_support import PASSWORD, Account

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MAX_EXAMPLES: Final = 50
SCHEMA_URL: Final = "/schema/openapi.json"
PHASES: Final = "examples,coverage,fuzzing,stateful"
"""The documented examples, boundary values of every constraint, MAX_EXAMPLES fuzzed
cases per operation, then sequences along the links: 4,655 cases in 77 s on a quiet
two-core machine. ``SKAEL_FUZZ_PHASES`` picks fewer (``examples,fuzzing,stateful``:
2,284 cases in 50 s)."""
SCHEMATHESIS: Final = str(Path(sys.executable).parent / "schemathesis")
HOOKS_DIR: Final = Path(__file__).parent

# Each of these can revoke the token it is called with: logout this token, a password
# change (also through PUT /users/{user_id}) every token of the user, a deletion the user.
# On both surfaces, / and /v0.
REVOKING: Final = (
    r"^(POST (/v0)?/users/logout"
    r"|PUT (/v0)?/users/\{user_id\}"
    r"|DELETE (/v0)?/users/\{user_id\}"
    r"|POST (/v0)?/users/\{user_id\}/change_password)$"
)
CONFIG: Final = Path(__file__).parent / "fuzz.toml"
"""Per-operation exceptions: /v0 answers a taken e-mail at registration with the
original backend's 400 (tests/replay covers it), where schemathesis expects a 2xx or a
409 for a valid body."""


GROUPS: Final = {
    "jobs": (
        "--include-tag=jobs",
        "--include-tag=catalog",
        "--include-tag=service",
        "--include-tag=discovery",
    ),
    "people": (
        "--include-tag=users",
        "--include-tag=resumes",
        "--include-tag=applications",
        "--include-tag=activity",
        "--include-tag=v0",
        f"--exclude-name-regex={REVOKING}",
    ),
    "revoking": (f"--include-name-regex={REVOKING}",),
}
"""The operations of each schemathesis process: the two groups that keep the token
working, each with a user of its own, and the revoking operations."""


@dataclass
class Live:
    server: ServerProcess
    workdir: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A migrated PostgreSQL schema of its own, a server on it, the sample jobs stored."""
    postgres = server_url("SKAEL_TEST_POSTGRES_URL")
    workdir = tmp_path_factory.mktemp("fuzz")
    with schema_of_its_own(postgres) as database_url:
        # generated logins fail by the hundred from one address: throttling is not what
        # this run is about (the login tests cover it)
        env = server_env(database_url, workdir, SKAEL_LOGIN_LIMIT="1000000")
        migrated = subprocess.run(
            [SKAEL, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120
        )
        assert migrated.returncode == 0, migrated.stderr
        with running_server(env, workdir, name="fuzz") as server:
            yield Live(server, workdir, env)
            assert "unhandled error" not in server.log(), server.log()


def sign_up(server: ServerProcess, name: str) -> Account:
    email = f"{name}@example.com"
    body = {"user_name": name, "email_id": email, "password": PASSWORD, "skills": "python"}
    status, answer = server.request("POST", "/users/", body)
    assert status == 201, answer
    account = Account(answer["user_id"], answer["access_token"], email)
    status, fetched = server.request("POST", "/jobs/fetch_jobs", {"limit": 100}, account.token)
    assert status == 200, fetched
    return account


def start(live: Live, group: str) -> subprocess.Popen[str]:
    """``schemathesis run`` of one group against the live server, as a user of its own."""
    account = sign_up(live.server, group)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "fuzz_hooks",
        "PYTHONPATH": os.pathsep.join([str(HOOKS_DIR), os.environ.get("PYTHONPATH", "")]),
        "SKAEL_FUZZ_URL": live.server.url,
        "SKAEL_FUZZ_USER_ID": str(account.user_id),
        "SKAEL_FUZZ_PASSWORD": PASSWORD,
        "SKAEL_FUZZ_FRESH_USERS": "1" if group == "revoking" else "0",
    }
    # the revoking group authenticates each call with a user of its own (fuzz_hooks)
    bearer = () if group == "revoking" else (f"--header=Authorization: Bearer {account.token}",)
    command = [
        SCHEMATHESIS,
        f"--config-file={CONFIG}",
        "run",
        live.server.url + SCHEMA_URL,
        f"--max-examples={MAX_EXAMPLES}",
        "--generation-deterministic",
        "--generation-allow-x00=false",
        "--workers=1",
        "--no-color",
        f"--phases={os.environ.get('SKAEL_FUZZ_PHASES', PHASES)}",
        *bearer,
        *GROUPS[group],
    ]
    workdir = live.workdir / group
    workdir.mkdir()
    return subprocess.Popen(
        command, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def cases_of(output: str) -> int:
    found = re.search(r"(\d+) generated", output)
    assert found, output[-3000:]
    return int(found.group(1))


def test_every_operation_conforms_to_its_documentation(live: Live) -> None:
    """The three groups run at once (they share nothing but the stored jobs); each must
    pass every check in every phase, with its share of cases."""
    runs = {group: start(live, group) for group in GROUPS}
    outputs = {group: run.communicate(timeout=900)[0] for group, run in runs.items()}
    for group, output in outputs.items():
        print(f"--- {group}\n{output[-2500:]}")
    failed = {g: o[-15000:] for g, o in outputs.items() if runs[g].returncode != 0}
    assert not failed, failed
    operations = {"jobs": 15, "people": 13, "revoking": 4}
    for group, output in outputs.items():
        assert cases_of(output) >= MAX_EXAMPLES * operations[group], group
