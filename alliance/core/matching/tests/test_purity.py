"""The matching core is pure: no Django, no I/O, no clock, no randomness (CONTRIBUTING.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1]
MODULES = ("__init__.py", "records.py", "constraints.py", "effectiveness.py", "ranker.py")
FORBIDDEN_MODULES = {"django", "ninja", "os", "io", "pathlib", "datetime", "time", "random", "json"}
FORBIDDEN_CALLS = {"open", "print", "input"}


@pytest.mark.parametrize("name", MODULES)
def test_module_is_pure(name: str) -> None:
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            names = []
        assert not {n.split(".")[0] for n in names} & FORBIDDEN_MODULES, (name, names)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in FORBIDDEN_CALLS, f"{name}:{node.lineno}"
