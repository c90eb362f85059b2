"""Vendored front-end files match static/vendor/README.md, and templates load only those."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "alliance" / "web" / "static"
VENDOR = STATIC / "vendor"
README = VENDOR / "README.md"
ROW_RE = re.compile(
    r"^\|\s*`(?P<file>[^`]+)`\s*\|.*\(`(?P<licence>[^`]+)`\).*\|\s*`(?P<sha>[0-9a-f]{64})`\s*\|\s*$"
)
SCRIPT_RE = re.compile(r"<script\b[^>]*\bsrc=\"(?P<src>[^\"]+)\"", re.IGNORECASE)
STATIC_TAG_RE = re.compile(r"""\{%\s*static\s+['"](?P<path>[^'"]+)['"]\s*%\}""")


def readme_rows() -> list[dict[str, str]]:
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = ROW_RE.match(line)
        if match:
            rows.append(match.groupdict())
    return rows


def template_files() -> list[Path]:
    dirs = sorted((ROOT / "alliance").glob("*/templates"))
    return sorted(p for d in dirs for p in d.rglob("*.html") if ".venv" not in p.parts)


def test_the_readme_table_lists_vendored_files() -> None:
    assert readme_rows(), "no rows parsed from static/vendor/README.md"


@pytest.mark.parametrize("row", readme_rows(), ids=lambda row: row["file"])
def test_a_vendored_file_has_the_recorded_checksum_and_a_licence(row: dict[str, str]) -> None:
    path = VENDOR / row["file"]
    licence = VENDOR / row["licence"]

    assert path.is_file()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha"]
    assert licence.is_file()
    assert licence.stat().st_size > 0


def test_every_vendored_script_is_listed_in_the_readme() -> None:
    listed = {row["file"] for row in readme_rows()}
    scripts = {p.name for p in VENDOR.iterdir() if p.suffix in {".js", ".mjs", ".css"}}

    assert scripts <= listed


def _vendor_script_sources() -> list[tuple[str, str]]:
    found = []
    for template in template_files():
        for match in SCRIPT_RE.finditer(template.read_text(encoding="utf-8")):
            if "vendor" in match["src"]:
                found.append((str(template.relative_to(ROOT)), match["src"]))
    return found


def test_templates_load_vendored_scripts() -> None:
    assert _vendor_script_sources(), "no <script src=...vendor...> found in any template"


@pytest.mark.parametrize(("template", "src"), _vendor_script_sources())
def test_a_vendored_script_tag_points_at_a_listed_file(template: str, src: str) -> None:
    static_tag = STATIC_TAG_RE.search(src)
    relative = static_tag["path"] if static_tag else src.removeprefix("/static/")

    assert relative.startswith("vendor/"), f"{template}: {src} is not served from static/"
    assert (STATIC / relative).is_file(), f"{template}: {relative} does not exist"
    assert Path(relative).name in {row["file"] for row in readme_rows()}
