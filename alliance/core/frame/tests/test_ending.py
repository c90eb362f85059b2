"""Agreed ending criteria (Alliance's own design; GAS levels from Kiresuk & Sherman 1968).

Fixed dates: today = Tue 30 June 2026. With stable_weeks = 4 the window is 2 June … 30 June
(30 June − 28 days), its first week ends 9 June (2 June + 7 days), and at least 3 (4 − 1)
check-ins are needed. Check-in totals are out of 16 (4 items × 0–4,
instruments/alliance-checkin-client.json).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.frame.ending import (
    CHECKIN_MAX,
    EndingAssessment,
    EndingCriteria,
    GoalState,
    assess_ending,
)

TODAY = dt.date(2026, 6, 30)
DEFAULT = EndingCriteria()
GOALS = (
    GoalState("Sleep through the night", 0),
    GoalState("Go back to work", 1),
    GoalState("See friends every week", 2),
)


def june(*days_and_totals: tuple[int, float]) -> list[tuple[dt.date, float]]:
    return [(dt.date(2026, 6, day), total) for day, total in days_and_totals]


WEEKLY = june((2, 12), (9, 13), (16, 14), (23, 13), (30, 12))  # min 12, max 14: spread 2
STEADY = "Check-ins have been steady for 4 weeks (between 12 and 14 out of 16)."
ALL_GOALS = "All 3 agreed goals are at the expected level or better."


def test_met() -> None:
    assert assess_ending(GOALS, WEEKLY, DEFAULT, TODAY) == EndingAssessment(
        met=True, goals_met=True, checkins_stable=True, reasons=(ALL_GOALS, STEADY)
    )


@pytest.mark.parametrize(
    ("goals", "criteria", "reasons"),
    [
        pytest.param(
            (GoalState("Sleep through the night", -1), *GOALS[1:]),
            DEFAULT,
            ("'Sleep through the night' is at −1; the agreed level is 0.",),
            id="one-goal-below",
        ),
        pytest.param(
            (GoalState("Sleep through the night", None), GoalState("Go back to work", -2)),
            DEFAULT,
            (
                "'Sleep through the night' has not been rated yet.",
                "'Go back to work' is at −2; the agreed level is 0.",
            ),
            id="unrated-goal",
        ),
        pytest.param(
            (),
            DEFAULT,
            ("No goals have been agreed yet; agree at least one goal first.",),
            id="no-goals",
        ),
        pytest.param(
            GOALS,
            EndingCriteria(goal_level=1),
            ("'Sleep through the night' is at 0; the agreed level is +1.",),
            id="raised-level",
        ),
    ],
)
def test_goals_not_met(
    goals: tuple[GoalState, ...], criteria: EndingCriteria, reasons: tuple[str, ...]
) -> None:
    result = assess_ending(goals, WEEKLY, criteria, TODAY)
    assert (result.met, result.goals_met, result.checkins_stable) == (False, False, True)
    assert result.reasons == (*reasons, STEADY)


@pytest.mark.parametrize(
    ("goals", "criteria", "reason"),
    [
        (
            (GoalState("Sleep through the night", 0),),
            DEFAULT,
            "The agreed goal is at the expected level or better.",
        ),
        (
            GOALS[1:],
            EndingCriteria(goal_level=1),
            "All 2 agreed goals are at +1 (somewhat more than expected) or better.",
        ),
        (
            (GoalState("Sleep through the night", -1),),
            EndingCriteria(goal_level=-1),
            "The agreed goal is at −1 (somewhat less than expected) or better.",
        ),
    ],
)
def test_goals_met_wording(
    goals: tuple[GoalState, ...], criteria: EndingCriteria, reason: str
) -> None:
    result = assess_ending(goals, WEEKLY, criteria, TODAY)
    assert result.goals_met
    assert result.reasons[0] == reason


@pytest.mark.parametrize(
    ("checkins", "reasons"),
    [
        pytest.param(
            [],
            ("There are no check-ins in the last 4 weeks.",),
            id="none",
        ),
        pytest.param(
            # 5 June is in the first week, but 2 check-ins < 3 needed.
            june((5, 13), (30, 13)),
            ("There are 2 check-ins in the last 4 weeks; at least 3 are needed.",),
            id="too-few",
        ),
        pytest.param(
            # 4 check-ins, but the earliest (10 June) is after the first week's end (9 June).
            june((10, 13), (17, 13), (24, 13), (30, 13)),
            (
                "Check-ins cover only part of the last 4 weeks; one is needed from its first "
                "week (by 9 June 2026).",
            ),
            id="first-week-missing",
        ),
        pytest.param(
            # 1 June is outside the window (before 2 June), so it does not cover the start.
            june((1, 13), (10, 13), (17, 13), (24, 13)),
            (
                "Check-ins cover only part of the last 4 weeks; one is needed from its first "
                "week (by 9 June 2026).",
            ),
            id="day-before-window",
        ),
        pytest.param(
            # min 9 < floor 10; spread 12 − 9 = 3 is still within 3.
            june((3, 12), (10, 9), (17, 12), (24, 12)),
            ("The lowest check-in in the last 4 weeks was 9 out of 16, below the agreed 10.",),
            id="dip-below-floor",
        ),
        pytest.param(
            # all ≥ 10 but 14 − 10 = 4 > 3.
            june((3, 10), (10, 14), (17, 12), (24, 11)),
            (
                "Check-ins in the last 4 weeks ranged from 10 to 14 out of 16, wider than the "
                "agreed 3 points.",
            ),
            id="spread-too-wide",
        ),
        pytest.param(
            # 8 < 10 and 14 − 8 = 6 > 3: both reasons.
            june((3, 14), (10, 8), (17, 12), (24, 12)),
            (
                "The lowest check-in in the last 4 weeks was 8 out of 16, below the agreed 10.",
                "Check-ins in the last 4 weeks ranged from 8 to 14 out of 16, wider than the "
                "agreed 3 points.",
            ),
            id="dip-and-spread",
        ),
    ],
)
def test_checkins_not_stable(
    checkins: list[tuple[dt.date, float]], reasons: tuple[str, ...]
) -> None:
    result = assess_ending(GOALS, checkins, DEFAULT, TODAY)
    assert (result.met, result.goals_met, result.checkins_stable) == (False, True, False)
    assert result.reasons == (ALL_GOALS, *reasons)


@pytest.mark.parametrize(
    ("checkins", "criteria", "reason"),
    [
        pytest.param(
            # First check-in exactly on the first week's last day (9 June); exactly 3
            # check-ins; min exactly the floor 10; spread exactly 13 − 10 = 3.
            june((9, 10), (16, 13), (30, 12)),
            DEFAULT,
            "Check-ins have been steady for 4 weeks (between 10 and 13 out of 16).",
            id="all-boundaries",
        ),
        pytest.param(
            # A low check-in on 1 May and one dated after today are outside the window.
            [
                *june((2, 13), (16, 13), (30, 13)),
                (dt.date(2026, 5, 1), 2),
                (dt.date(2026, 7, 1), 2),
            ],
            DEFAULT,
            "Check-ins have been steady for 4 weeks (all 13 out of 16).",
            id="outside-window-ignored",
        ),
        pytest.param(
            # stable_weeks 1: window 23 … 30 June, first week ends 30 June, ≥ 0 needed (≥ 1 by
            # coverage). Half points render as given.
            june(
                (25, 12.5),
            ),
            EndingCriteria(stable_weeks=1, checkin_floor=12.5, checkin_spread=0),
            "Check-ins have been steady for 1 week (all 12.5 out of 16).",
            id="one-week",
        ),
    ],
)
def test_checkins_stable(
    checkins: list[tuple[dt.date, float]], criteria: EndingCriteria, reason: str
) -> None:
    result = assess_ending(GOALS[:1], checkins, criteria, TODAY)
    assert result.checkins_stable
    assert result.reasons[-1] == reason


def test_spread_tolerates_float_noise() -> None:
    # 13.1 − 10.1 is 3.0000000000000004 in binary floating point; it is a spread of 3.
    checkins = june((2, 10.1), (16, 13.1), (30, 12))
    assert assess_ending(GOALS, checkins, DEFAULT, TODAY).checkins_stable


def test_both_parts_missing() -> None:
    result = assess_ending((), [], DEFAULT, TODAY)
    assert (result.met, result.goals_met, result.checkins_stable) == (False, False, False)
    assert len(result.reasons) == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"goal_level": 3}, "invalid_goal_level"),
        ({"goal_level": -3}, "invalid_goal_level"),
        ({"goal_level": True}, "invalid_goal_level"),
        ({"stable_weeks": 0}, "invalid_stable_weeks"),
        ({"stable_weeks": 27}, "invalid_stable_weeks"),
        ({"checkin_floor": -1}, "invalid_checkin_floor"),
        ({"checkin_floor": 16.5}, "invalid_checkin_floor"),
        ({"checkin_floor": float("nan")}, "invalid_checkin_floor"),
        ({"checkin_spread": -0.5}, "invalid_checkin_spread"),
        ({"checkin_spread": float("inf")}, "invalid_checkin_spread"),
    ],
)
def test_invalid_criteria_are_refused(fields: dict[str, float], code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        EndingCriteria(**fields)  # type: ignore[arg-type]
    assert caught.value.code == code


@pytest.mark.parametrize(
    "criteria",
    [
        {"goal_level": -2, "stable_weeks": 26, "checkin_floor": 0, "checkin_spread": 0},
        {"goal_level": 2, "stable_weeks": 1, "checkin_floor": 16, "checkin_spread": 16},
    ],
)
def test_criteria_bounds_are_inclusive(criteria: dict[str, int]) -> None:
    assert vars(EndingCriteria(**criteria)) == criteria


def test_invalid_goal_level_or_total_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        assess_ending((GoalState("Sleep", 3),), WEEKLY, DEFAULT, TODAY)
    assert caught.value.code == "invalid_level"
    with pytest.raises(InvalidInput) as caught:
        assess_ending(GOALS, june((2, 17)), DEFAULT, TODAY)
    assert caught.value.code == "invalid_checkin"


def test_checkin_total_range_matches_the_instrument() -> None:
    # The 0–16 scale here must be the client Check-in's: 4 scored items, each 0–4, summed.
    path = Path(__file__).resolve().parents[3] / "instruments" / "alliance-checkin-client.json"
    instrument = json.loads(path.read_text(encoding="utf-8"))
    answer_sets = {a["id"]: a for a in instrument["answer_sets"]}
    scored = [item for item in instrument["items"] if item["scored"]]
    item_max = {max(o["value"] for o in answer_sets[i["answer_set"]]["options"]) for i in scored}
    assert (len(scored), item_max) == (4, {4})
    assert (instrument["total"]["min"], instrument["total"]["max"]) == (0, CHECKIN_MAX)
