"""`alliance match` and `alliance assign` on the committed example files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.core.matching.assignment import assign_waitlist
from alliance.core.matching.ranker import Matcher
from alliance.core.matching.records import parse_intake, parse_roster, parse_waitlist

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
ROSTER, INTAKE, WAITLIST, OUTCOMES = (
    str(EXAMPLES / name)
    for name in ("roster.json", "intake.json", "waitlist.json", "outcomes.json")
)


def _run(*args: str) -> object:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_match_ranks_exactly_what_the_engine_ranks() -> None:
    result = _run("match", "--roster", ROSTER, "--intake", INTAKE, "--outcomes", OUTCOMES)
    assert isinstance(result, list)
    roster = parse_roster(json.loads(Path(ROSTER).read_text()))
    intake = parse_intake(json.loads(Path(INTAKE).read_text()))
    assert [(r["therapist"], r["score"]) for r in result] == [
        (m.therapist, m.score) for m in Matcher().fit(roster, _outcomes()).rank(intake)
    ]
    assert all(r["reasons"] for r in result)
    top = _run("match", "--roster", ROSTER, "--intake", INTAKE, "--top", "2")
    assert isinstance(top, list)
    assert len(top) == 2


def _outcomes():
    from alliance.core.matching.records import parse_outcomes

    return parse_outcomes(json.loads(Path(OUTCOMES).read_text()))


def test_assign_reports_placements_unplaced_and_total() -> None:
    result = _run("assign", "--roster", ROSTER, "--waitlist", WAITLIST)
    assert isinstance(result, dict)
    roster = parse_roster(json.loads(Path(ROSTER).read_text()))
    waitlist = parse_waitlist(json.loads(Path(WAITLIST).read_text()))
    expected = assign_waitlist(Matcher().fit(roster), waitlist)
    assert result["total_score"] == expected.total_score
    assert len(result["assignments"]) == len(expected.assignments)
    placed = {a["client"] for a in result["assignments"]}
    assert placed.isdisjoint({u["client"] for u in result["unassigned"]})
    assert len(placed) + len(result["unassigned"]) == len(waitlist)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r[0].update(fee=-1), "fee"),
        (lambda r: r[1].update(styles=["astrological"]), "styles"),
        (
            lambda r: r[2]["slots"].append({"weekday": 9, "start": "10:00", "minutes": 50}),
            "weekday",
        ),
        (lambda r: r[3].update(id=r[0]["id"]), "duplicate"),
    ],
)
def test_bad_roster_names_the_record_and_field(tmp_path: Path, change, expected: str) -> None:
    roster = json.loads(Path(ROSTER).read_text())
    change(roster)
    bad = tmp_path / "roster.json"
    bad.write_text(json.dumps(roster))
    with pytest.raises(CommandError) as caught:
        call_command("match", "--roster", str(bad), "--intake", INTAKE, stdout=StringIO())
    assert caught.value.returncode == 2
    assert expected in str(caught.value)
    assert "roster" in str(caught.value)


def test_impossible_intake_is_an_empty_result_not_an_error(tmp_path: Path) -> None:
    intake = json.loads(Path(INTAKE).read_text())
    intake["languages"] = ["sv"]
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(intake))
    assert _run("match", "--roster", ROSTER, "--intake", str(path)) == []
    why = _run("match", "--roster", ROSTER, "--intake", str(path), "--why")
    assert isinstance(why, dict)
    assert why["matches"] == []
    assert all("no shared language" in " ".join(r) for r in why["why_not"].values())


@pytest.mark.django_db
def test_match_on_the_database_by_intake_id() -> None:
    from alliance.matching.tests.helpers import clinic_with_client, submitted_intake, therapist

    clinic, client = clinic_with_client()
    profile = therapist(clinic)
    intake = submitted_intake(client)
    result = _run("match", "--intake-id", str(intake.pk))
    assert isinstance(result, list)
    assert [r["therapist"] for r in result] == [str(profile.pk)]


@pytest.mark.subprocess
def test_exit_code_and_one_line_in_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "ALLIANCE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "alliance.cli",
            "assign",
            "--roster",
            INTAKE,
            "--waitlist",
            WAITLIST,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "intake.json" in done.stderr
