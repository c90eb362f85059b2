"""core.frame is pure: no Django, no I/O, no clock (the core layout rule, CONTRIBUTING.md).

Unlike core.measures it needs ``datetime`` values and ``zoneinfo``, so instead of banning the
module this test bans reading the clock through it (``now()``, ``today()``, ``utcnow()``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
MODULES = sorted(PACKAGE.glob("*.py"))
FORBIDDEN_MODULES = {"django", "ninja", "os", "io", "pathlib", "time", "random", "json"}
FORBIDDEN_CALLS = {"open", "print", "input"}
CLOCK_METHODS = {"now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp"}


def test_package_modules_are_found() -> None:
    names = {path.name for path in MODULES}
    assert {"__init__.py", "schedule.py", "sessions.py", "diff.py", "ending.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        assert not {name.split(".")[0] for name in names} & FORBIDDEN_MODULES, names
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in CLOCK_METHODS, f"{path.name}:{node.lineno} reads the clock"
