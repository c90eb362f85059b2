"""`core` is pure Python: no Django, no web framework, no app (STYLE.md, "Direction of
dependencies").

Checked twice: statically, every import statement under core/; and dynamically, importing every
core module in a fresh interpreter must not pull Django in through some indirect path.
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
CORE = ROOT / "core"
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
    "config",
    "accounts",
    "audit",
    "directory",
}
CORE_FILES = sorted(CORE.rglob("*.py"))


def imported_top_level_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value.split(".")[0])
    return names


def test_core_has_modules_to_check() -> None:
    assert (CORE / "__init__.py") in CORE_FILES
    assert len(CORE_FILES) >= 3


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_nothing_forbidden(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    assert imported_top_level_names(tree) & FORBIDDEN == set()


def test_the_static_check_sees_every_form_of_import() -> None:
    source = (
        "import django\n"
        "import os.path, ninja.router\n"
        "from accounts.models import User\n"
        "from . import sibling\n"
        "importlib.import_module('audit.trail')\n"
        "__import__('csp')\n"
    )

    names = imported_top_level_names(ast.parse(source))

    assert names == {"django", "os", "ninja", "accounts", "audit", "csp"}


_IMPORT_ALL_CORE = """
import importlib, json, pkgutil, sys
import core
names = sorted(
    m.name for m in pkgutil.walk_packages(core.__path__, "core.")
    if ".tests" not in m.name and not m.name.endswith(".conftest")
)
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""


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
    assert "core.vocabulary" in result["imported"]
    assert "core.demo.clinic" in result["imported"]
    loaded_top_level = {name.split(".")[0] for name in result["loaded"]}
    assert loaded_top_level & FORBIDDEN == set()
