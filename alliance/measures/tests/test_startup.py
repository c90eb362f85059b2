"""A bad instrument definition stops start-up with one line naming the file and the problem."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[3]


def _run(tmp_path: Path, instruments: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ALLIANCE_DATA_DIR": str(tmp_path / "data"),
        "ALLIANCE_INSTRUMENTS_DIR": str(instruments),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "alliance.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_broken_definition_stops_start_up_naming_file_and_problem(tmp_path: Path) -> None:
    instruments = tmp_path / "instruments"
    shutil.copytree(ROOT / "alliance" / "instruments", instruments)
    phq9 = json.loads((instruments / "phq-9.json").read_text())
    phq9["items"][0]["answer_set"] = "no-such-set"
    (instruments / "phq-9.json").write_text(json.dumps(phq9))
    result = _run(tmp_path, instruments)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "phq-9.json" in lines[0]
    assert "no-such-set" in lines[0]


def test_invalid_json_is_named_too(tmp_path: Path) -> None:
    instruments = tmp_path / "instruments"
    shutil.copytree(ROOT / "alliance" / "instruments", instruments)
    (instruments / "gad-7.json").write_text("{ not json")
    result = _run(tmp_path, instruments)
    assert result.returncode == 2
    assert "gad-7.json: not valid JSON" in result.stderr


def test_shipped_definitions_start_cleanly(tmp_path: Path) -> None:
    assert _run(tmp_path, ROOT / "alliance" / "instruments").returncode == 0
