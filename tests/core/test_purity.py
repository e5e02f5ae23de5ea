"""The core imports only the standard library and msgspec (ARCHITECTURE.md rule 1)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import skael_core

CORE = Path(skael_core.__file__).parent
ALLOWED = {"msgspec", "skael_core"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_every_core_module_imports_only_stdlib_and_msgspec() -> None:
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) >= 10
    offenders = {
        str(path.relative_to(CORE)): sorted(bad)
        for path in modules
        if (bad := imported_roots(path) - ALLOWED - set(sys.stdlib_module_names))
    }
    assert offenders == {}


def test_the_check_notices_a_foreign_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import sqlalchemy\nfrom litestar import Litestar\nimport json\n")
    assert imported_roots(module) - ALLOWED - set(sys.stdlib_module_names) == {
        "sqlalchemy",
        "litestar",
    }
