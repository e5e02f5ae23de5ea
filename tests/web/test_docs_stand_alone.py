"""The docs stand alone (issue 16, 15): `docs/api.md` names every endpoint the app serves
and defers to no document outside the repository; the README says that a PostgreSQL
database is migrated with `skael db upgrade` before `skael serve`."""

from __future__ import annotations

import re
from pathlib import Path

from skael_web.app import create_app
from web.test_web_auth import endpoints
from web.web_support import build_world

ROOT = Path(__file__).parents[2]
API = (ROOT / "docs" / "api.md").read_text()
README = (ROOT / "README.md").read_text()


def _shape(path: str) -> str:
    """A path with each parameter written ``{}`` and no trailing slash."""
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/") or "/"


def _contract_path(path: str) -> str:
    """The contract's path of a route: a ``/v0`` route answers the contract's route of the
    same path in the original backend's shapes, which docs/api.md lists as differences."""
    return path.removeprefix("/v0") or "/"


def test_api_md_names_every_endpoint_of_the_app() -> None:
    documented = {_shape(p) for p in re.findall(r"`(/[^`\s]*)`", API)}
    served = {
        _shape(_contract_path(e.path))
        for e in endpoints(create_app(build_world().container))
        if not e.path.startswith("/schema")
    }
    assert "`/v0`" in API
    assert served - documented == set()


def test_api_md_defers_to_no_document_outside_the_repository() -> None:
    assert "API.md" not in API and "shared notes" not in API
    for link in re.findall(r"\]\(([^)#]+)\)", API):
        assert link.startswith("http") or (ROOT / "docs" / link).exists(), link


def test_the_readme_says_postgresql_needs_skael_db_upgrade_before_serve() -> None:
    upgrade = README.find("skael db upgrade && skael serve")
    assert upgrade > 0
    assert "PostgreSQL" in README[max(0, upgrade - 600) : upgrade]
