"""Agreed ending criteria: "when it's time to stop".

**Alliance's own design, not a published standard or a validated rule.** Client and therapist
agree at the start what "done" looks like, so ending is a shared decision rather than a drift or
a surprise. The assessment only says whether the agreed signs are there, in plain sentences both
of them read; it prompts a conversation and never ends anything by itself.

Informed by:

- Goal Attainment Scaling (Kiresuk & Sherman 1968, Community Ment Health J 4(6):443-453): each
  goal is rated −2 (much less than expected), −1, 0 (the expected outcome), +1 or +2 (much more
  than expected); by default every agreed goal's latest rating must be at least 0.
- Alliance monitoring: the level of the alliance, not its session-to-session pattern, goes with
  outcome (Stevens et al. 2007), and one noisy session is never a signal (Alliance's own
  rule). So the client's Alliance Check-in
  totals (4 items scored 0–4, total 0–16, instruments/alliance-checkin-client.json; client
  ratings only, never averaged with the therapist's) must be steady over several weeks, above a
  floor and within a narrow range. The defaults (4 weeks, at least 10, range at most 3) are our
  own starting point; the Check-in has no published norms.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from alliance.core.errors import InvalidInput

GAS_LEVELS: Final = (-2, -1, 0, 1, 2)
CHECKIN_MAX: Final = 16  # 4 items × 0–4 (instruments/alliance-checkin-client.json)
MAX_STABLE_WEEKS: Final = 26
# Totals are sums of whole item scores; the tolerance only absorbs float noise in the range.
_TOLERANCE: Final = 1e-9
_LEVEL_WORDS: Final = {
    -2: "much less than expected",
    -1: "somewhat less than expected",
    0: "the expected level",
    1: "somewhat more than expected",
    2: "much more than expected",
}
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class EndingCriteria:
    """What client and therapist agreed "time to stop" looks like.

    ``goal_level`` (−2…+2): every agreed goal's latest rating is at or above it.
    ``stable_weeks`` (1…26): client Check-in totals have been steady this many weeks, none below
    ``checkin_floor`` (0…16) and with max − min at most ``checkin_spread`` (≥ 0) points.
    Raises :class:`InvalidInput` on construction when a value is out of range.
    """

    goal_level: int = 0
    stable_weeks: int = 4
    checkin_floor: float = 10.0
    checkin_spread: float = 3.0

    def __post_init__(self) -> None:
        if not _is_int(self.goal_level) or self.goal_level not in GAS_LEVELS:
            raise InvalidInput(
                f"The goal level must be −2 to +2, not {self.goal_level!r}.",
                code="invalid_goal_level",
            )
        if not _is_int(self.stable_weeks) or not 1 <= self.stable_weeks <= MAX_STABLE_WEEKS:
            raise InvalidInput(
                f"The steady period must be 1 to {MAX_STABLE_WEEKS} weeks, "
                f"not {self.stable_weeks!r}.",
                code="invalid_stable_weeks",
            )
        if not _is_number(self.checkin_floor) or not 0 <= self.checkin_floor <= CHECKIN_MAX:
            raise InvalidInput(
                f"The check-in floor must be 0 to {CHECKIN_MAX}, not {self.checkin_floor!r}.",
                code="invalid_checkin_floor",
            )
        if not _is_number(self.checkin_spread) or self.checkin_spread < 0:
            raise InvalidInput(
                f"The check-in range must be 0 or more, not {self.checkin_spread!r}.",
                code="invalid_checkin_spread",
            )


@dataclass(frozen=True)
class GoalState:
    """An agreed goal and its latest GAS rating (−2…+2), ``None`` if never rated."""

    title: str
    level: int | None


@dataclass(frozen=True)
class EndingAssessment:
    """Whether the agreed ending criteria are met, each part, and why, in plain sentences."""

    met: bool
    goals_met: bool
    checkins_stable: bool
    reasons: tuple[str, ...]


def assess_ending(
    goals: Sequence[GoalState],
    checkins: Sequence[tuple[dt.date, float]],
    criteria: EndingCriteria,
    today: dt.date,
) -> EndingAssessment:
    """Check the agreed ending criteria on ``today`` (a local date passed in by the caller).

    Goals are met when there is at least one agreed goal and every goal's latest level is at or
    above ``criteria.goal_level`` (an unrated goal is not met). Check-ins are stable when, over
    the window ``today − stable_weeks`` weeks … ``today`` (inclusive; check-ins outside it are
    ignored), there is a check-in in the window's first week (on or before its start + 7 days),
    at least ``stable_weeks − 1`` check-ins, none below ``checkin_floor`` and max − min at most
    ``checkin_spread``. ``checkins`` are ``(date, client total 0–16)`` in any order.
    Raises :class:`InvalidInput` for a goal level or total out of range.
    """
    _check_inputs(goals, checkins)
    goals_met, goal_reasons = _assess_goals(goals, criteria.goal_level)
    stable, checkin_reasons = _assess_checkins(checkins, criteria, today)
    return EndingAssessment(
        met=goals_met and stable,
        goals_met=goals_met,
        checkins_stable=stable,
        reasons=(*goal_reasons, *checkin_reasons),
    )


def _assess_goals(goals: Sequence[GoalState], target: int) -> tuple[bool, list[str]]:
    if not goals:
        return False, ["No goals have been agreed yet; agree at least one goal first."]
    reasons = []
    for goal in goals:
        if goal.level is None:
            reasons.append(f"'{goal.title}' has not been rated yet.")
        elif goal.level < target:
            reasons.append(
                f"'{goal.title}' is at {_signed(goal.level)}; the agreed level is "
                f"{_signed(target)}."
            )
    if reasons:
        return False, reasons
    level = "the expected level" if target == 0 else f"{_signed(target)} ({_LEVEL_WORDS[target]})"
    if len(goals) == 1:
        return True, [f"The agreed goal is at {level} or better."]
    return True, [f"All {len(goals)} agreed goals are at {level} or better."]


def _assess_checkins(
    checkins: Sequence[tuple[dt.date, float]], criteria: EndingCriteria, today: dt.date
) -> tuple[bool, list[str]]:
    weeks = criteria.stable_weeks
    period = f"the last {_plural(weeks, 'week')}"
    start = today - dt.timedelta(weeks=weeks)
    window = sorted((day, total) for day, total in checkins if start <= day <= today)
    if not window:
        return False, [f"There are no check-ins in {period}."]
    reasons = []
    first_week_end = start + dt.timedelta(days=7)
    if window[0][0] > first_week_end:
        reasons.append(
            f"Check-ins cover only part of {period}; one is needed from its first week "
            f"(by {_day(first_week_end)})."
        )
    needed = weeks - 1
    if len(window) < needed:
        reasons.append(f"There {_is_are(len(window))} in {period}; at least {needed} are needed.")
    totals = [total for _, total in window]
    low, high = min(totals), max(totals)
    if low < criteria.checkin_floor:
        reasons.append(
            f"The lowest check-in in {period} was {_num(low)} out of {CHECKIN_MAX}, "
            f"below the agreed {_num(criteria.checkin_floor)}."
        )
    if high - low > criteria.checkin_spread + _TOLERANCE:
        reasons.append(
            f"Check-ins in {period} ranged from {_num(low)} to {_num(high)} out of "
            f"{CHECKIN_MAX}, wider than the agreed {_plural(criteria.checkin_spread, 'point')}."
        )
    if reasons:
        return False, reasons
    spread = f"all {_num(low)}" if low == high else f"between {_num(low)} and {_num(high)}"
    return True, [
        f"Check-ins have been steady for {_plural(weeks, 'week')} ({spread} out of {CHECKIN_MAX})."
    ]


def _check_inputs(goals: Sequence[GoalState], checkins: Sequence[tuple[dt.date, float]]) -> None:
    for goal in goals:
        if goal.level is not None and (not _is_int(goal.level) or goal.level not in GAS_LEVELS):
            raise InvalidInput(
                f"'{goal.title}' has level {goal.level!r}; levels are −2 to +2.",
                code="invalid_level",
            )
    for day, total in checkins:
        if not _is_number(total) or not 0 <= total <= CHECKIN_MAX:
            raise InvalidInput(
                f"The check-in on {day} has total {total!r}; totals are 0 to {CHECKIN_MAX}.",
                code="invalid_checkin",
            )


def _signed(level: int) -> str:
    # U+2212 minus sign, as printed for GAS levels.
    return f"−{-level}" if level < 0 else f"+{level}" if level > 0 else "0"


def _num(value: float) -> str:
    return f"{value:g}"


def _plural(count: float, noun: str) -> str:
    return f"{_num(count)} {noun}" + ("" if count == 1 else "s")


def _is_are(count: int) -> str:
    return "is 1 check-in" if count == 1 else f"are {count} check-ins"


def _day(day: dt.date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
