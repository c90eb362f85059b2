"""`alliance.core` and the demo generator are pure Python: no Django, no web framework, no app
(docs/architecture.md).

Checked twice: statically, every import statement under them; and dynamically, importing every
such module in a fresh interpreter must not pull Django in through some indirect path.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "alliance" / "core"
GENERATOR = ROOT / "alliance" / "demo" / "generator"
# Pure modules may import each other and the standard library, never an app of the package.
PURE_PACKAGES = ("alliance.core", "alliance.demo.generator")
FORBIDDEN = {
    "django",
    "ninja",
    "axes",
    "csp",
    "whitenoise",
    "psycopg",
    "psycopg2",
    "dj_database_url",
    "gunicorn",
}
CORE_FILES = sorted([*CORE.rglob("*.py"), *GENERATOR.rglob("*.py")])


def imported_top_level_names(tree: ast.AST) -> set[str]:
    """Top-level names imported; an ``alliance`` module counts as its app (``alliance.care``)."""
    return {_top_level(name) for name in imported_module_names(tree)}


def _top_level(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "alliance" or len(parts) == 1:
        return parts[0]
    if module.startswith(PURE_PACKAGES):
        return "alliance.core"
    return ".".join(parts[:2])


def imported_module_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_core_has_modules_to_check() -> None:
    assert (CORE / "__init__.py") in CORE_FILES
    assert len(CORE_FILES) >= 3


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_nothing_forbidden(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    assert forbidden(imported_top_level_names(tree)) == set()


def forbidden(top_level_names: set[str]) -> set[str]:
    apps = {n for n in top_level_names if n.startswith("alliance") and n != "alliance.core"}
    return (top_level_names & FORBIDDEN) | apps


def test_the_static_check_sees_every_form_of_import() -> None:
    source = (
        "import django\n"
        "import os.path, ninja.router\n"
        "from alliance.accounts.models import User\n"
        "from alliance.core.measures import scoring\n"
        "from alliance.demo.generator import clinic\n"
        "from . import sibling\n"
        "importlib.import_module('alliance.audit.trail')\n"
        "__import__('csp')\n"
    )

    names = imported_top_level_names(ast.parse(source))

    assert names == {
        "django",
        "os",
        "ninja",
        "alliance.accounts",
        "alliance.core",
        "alliance.audit",
        "csp",
    }
    assert forbidden(names) == {"django", "ninja", "alliance.accounts", "alliance.audit", "csp"}


_IMPORT_ALL_CORE = """
import importlib, json, pkgutil, sys
import alliance.core, alliance.demo.generator as generator
names = sorted(
    m.name
    for package in (alliance.core, generator)
    for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    if ".tests" not in m.name and not m.name.endswith(".conftest")
)
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


@pytest.mark.subprocess
def test_importing_core_does_not_load_django() -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL_CORE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    result = json.loads(done.stdout)
    assert "alliance.core.vocabulary" in result["imported"]
    assert "alliance.demo.generator.clinic" in result["imported"]
    # Importing a pure package runs its parents' (empty) __init__ modules, nothing more.
    parents = {"alliance", "alliance.demo"}
    loaded_top_level = {_top_level(name) for name in result["loaded"] if name not in parents}
    assert forbidden(loaded_top_level) == set()
