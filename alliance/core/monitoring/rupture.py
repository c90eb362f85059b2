"""Alliance rupture assessment on the Alliance Check-in.

A rupture is "a tension or breakdown in the collaborative relationship" (Safran, Muran &
Eubanks-Carter 2011, Psychotherapy 48(1):80-87). The Alliance Check-in
(``instruments/alliance-checkin-client.json`` and ``-therapist.json``: four items 0-4, total
0-16, higher is better, optional free text) is **not validated**: it has no norms, cutoff or
reliable-change threshold. Every number in :class:`RuptureRules` is therefore **Alliance's own
design, not a published standard**, and must be labelled so wherever it is shown. What does
come from the literature:

- the running-baseline drop in SD units with a lenient 1 SD and a strict 2 SD threshold, both
  kept (after Gumz, Brähler, Geyer & Erices 2012, BMC Med Res Methodol 12:10, who report both);
- the strict inequality ``score < mean - k·SD`` and a minimum of 3 earlier sessions before the
  SD rule applies, level-based flags only before that (Alliance's own rules);
- late cancellations and missed sessions as candidate extra signals (Alliance's own, untested).

The result should prompt a conversation about the alliance, not grade the therapist: rupture
patterns did not predict outcome while alliance level did (Stevens et al. 2007), and repair is
what goes with outcome (Eubanks, Muran & Safran 2018, Psychotherapy 55(4):508-519).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from alliance.core.errors import InvalidInput

# instruments/alliance-checkin-client.json and -therapist.json: sum of four 0-4 items.
CHECKIN_TOTAL_MIN: Final = 0
CHECKIN_TOTAL_MAX: Final = 16


class Level(StrEnum):
    """How strongly to prompt a conversation about the alliance; ordered NONE < WATCH < ALERT."""

    NONE = "none"
    WATCH = "watch"
    ALERT = "alert"


class SignalCode(StrEnum):
    BELOW_FLOOR = "below_floor"
    DROP_WATCH = "drop_watch"
    DROP_ALERT = "drop_alert"
    DISCREPANCY = "discrepancy"
    LOW_WITH_COMMENT = "low_with_comment"
    ATTENDANCE_WATCH = "attendance_watch"
    ATTENDANCE_ALERT = "attendance_alert"


class AttendanceOutcome(StrEnum):
    HELD = "held"
    LATE_CANCEL = "late_cancel"
    EARLY_CANCEL = "early_cancel"
    NO_SHOW = "no_show"


class SignalFamily(StrEnum):
    """Independent sources of evidence; watch signals from two families combine to an alert."""

    ALLIANCE_SCORE = "alliance_score"
    ATTENDANCE = "attendance"


SIGNAL_FAMILIES: Final = {
    SignalCode.BELOW_FLOOR: SignalFamily.ALLIANCE_SCORE,
    SignalCode.DROP_WATCH: SignalFamily.ALLIANCE_SCORE,
    SignalCode.DROP_ALERT: SignalFamily.ALLIANCE_SCORE,
    SignalCode.DISCREPANCY: SignalFamily.ALLIANCE_SCORE,
    SignalCode.LOW_WITH_COMMENT: SignalFamily.ALLIANCE_SCORE,
    SignalCode.ATTENDANCE_WATCH: SignalFamily.ATTENDANCE,
    SignalCode.ATTENDANCE_ALERT: SignalFamily.ATTENDANCE,
}

# Late cancellations and no-shows count; an early cancellation is ordinary rescheduling.
_MISSED: Final = frozenset({AttendanceOutcome.LATE_CANCEL, AttendanceOutcome.NO_SHOW})
_RANK: Final = {Level.NONE: 0, Level.WATCH: 1, Level.ALERT: 2}


@dataclass(frozen=True)
class CheckIn:
    """One session's Alliance Check-in totals (0-16, higher is better; ``None`` = not given).

    ``comment`` is true when the client wrote free-text feedback (item 5, never scored).
    """

    session_number: int
    client_total: float | None
    therapist_total: float | None
    comment: bool


@dataclass(frozen=True)
class Attendance:
    """What happened to one scheduled session: one of :class:`AttendanceOutcome`'s values."""

    session_number: int
    outcome: str


def _check_rules(rules: RuptureRules) -> None:
    problems = [
        ("watch_sd", 0 < rules.watch_sd <= rules.alert_sd, "above 0 and at most alert_sd"),
        ("min_baseline", rules.min_baseline >= 2, "at least 2 (an SD needs two scores)"),
        ("min_sd", rules.min_sd > 0, "above 0"),
        ("discrepancy", rules.discrepancy > 0, "above 0"),
        ("attendance_window", rules.attendance_window >= 1, "at least 1"),
        (
            "attendance_watch",
            1 <= rules.attendance_watch <= rules.attendance_alert,
            "at least 1 and at most attendance_alert",
        ),
    ]
    numbers = [getattr(rules, name) for name in rules.__dataclass_fields__]
    if not all(math.isfinite(n) and not isinstance(n, bool) for n in numbers):
        raise InvalidInput("rupture rules must be finite numbers", code="invalid_rules")
    for name, ok, expected in problems:
        if not ok:
            raise InvalidInput(f"rupture rule {name} must be {expected}", code="invalid_rules")


@dataclass(frozen=True)
class RuptureRules:
    """Thresholds for :func:`assess_rupture`. All are **Alliance's own design** (the Check-in is
    not validated); only the shape of the SD rule follows Gumz et al. (2012).

    - ``absolute_floor`` 9.0: client total strictly below it → alert. 9/16 is an average item
      of 2.25, just above "Partly true" (2); a whole-number total below it averages "Partly
      true" or less. Applies from the first session (a level-based flag).
    - ``watch_sd`` 1.0 / ``alert_sd`` 2.0: client total strictly below ``mean - k·SD`` of the
      client's own earlier check-ins → watch / alert (lenient and strict thresholds, Gumz et al.
      2012).
    - ``min_baseline`` 3: earlier client totals needed before the SD rule applies.
    - ``min_sd`` 1.0: floor on the baseline SD, so a drop from a flat baseline still counts and
      one point of noise in a very stable series is not 2 SD. A platform-wide pooled SD of
      session-to-session differences (Gumz et al. combine intra- and inter-individual
      variability) belongs here once it exists.
    - ``discrepancy`` 4.0: ``|client - therapist| >= 4`` → watch, in either direction (4 points
      is a whole item's range): a therapist rating well above the client may be missing a
      withdrawal rupture; one well below may be seeing strain the client does not report.
    - ``low_with_comment`` 12.0: free text present and client total strictly below 12 (an
      average item below "Mostly true", 3) → watch: the comment may say what went wrong.
    - ``attendance_window`` 4: look at the last 4 scheduled sessions;
      ``attendance_watch`` 1 / ``attendance_alert`` 2: at least that many late cancellations
      plus no-shows in the window → watch / alert (untested as a signal).
    """

    absolute_floor: float = 9.0
    watch_sd: float = 1.0
    alert_sd: float = 2.0
    min_baseline: int = 3
    min_sd: float = 1.0
    discrepancy: float = 4.0
    low_with_comment: float = 12.0
    attendance_window: int = 4
    attendance_watch: int = 1
    attendance_alert: int = 2

    def __post_init__(self) -> None:
        _check_rules(self)


@dataclass(frozen=True)
class Signal:
    """One reason for concern; ``text`` is a plain sentence for the therapist with the numbers."""

    code: SignalCode
    level: Level
    text: str


@dataclass(frozen=True)
class RuptureAssessment:
    """Overall ``level`` and the signals behind it, in a fixed order (alliance score first)."""

    level: Level
    signals: tuple[Signal, ...]


DEFAULT_RULES: Final = RuptureRules()


def assess_rupture(
    checkins: Sequence[CheckIn],
    attendance: Sequence[Attendance],
    rules: RuptureRules = DEFAULT_RULES,
) -> RuptureAssessment:
    """Assess the latest check-in (highest session number) and recent attendance of one episode.

    Signals (thresholds in :class:`RuptureRules`, all our design):

    - ``below_floor`` (alert): client total < ``absolute_floor``.
    - ``drop_alert`` / ``drop_watch``: with at least ``min_baseline`` earlier client totals,
      client total < ``mean - alert_sd·SD`` (alert) or < ``mean - watch_sd·SD`` (watch), where
      mean and sample SD are over all earlier client totals in the episode and
      ``SD = max(sample SD, min_sd)`` (after Gumz et al. 2012). At most one of the two.
    - ``discrepancy`` (watch): ``|client - therapist| >= discrepancy``; needs both totals.
    - ``low_with_comment`` (watch): a comment and client total < ``low_with_comment``.
    - ``attendance_alert`` / ``attendance_watch``: late cancellations + no-shows among the last
      ``attendance_window`` scheduled sessions >= ``attendance_alert`` / ``attendance_watch``.

    Combination (our design): the overall level is the highest signal level, except that watch
    signals from two different families (alliance score, attendance) together make an alert.
    If the latest check-in has no client total, only attendance signals can fire: earlier
    check-ins are not re-assessed, so an old alert does not linger.
    Raises :class:`InvalidInput` on totals outside 0-16, session numbers below 1, duplicate
    sessions or an unknown attendance outcome.
    """
    _check_checkins(checkins)
    _check_attendance(attendance)
    signals = [*_score_signals(checkins, rules), *_attendance_signals(attendance, rules)]
    return RuptureAssessment(level=_combine(signals), signals=tuple(signals))


def _score_signals(checkins: Sequence[CheckIn], rules: RuptureRules) -> list[Signal]:
    if not checkins:
        return []
    latest = max(checkins, key=lambda checkin: checkin.session_number)
    signals: list[Signal] = []
    client = latest.client_total
    if client is None:
        return signals
    session = latest.session_number
    if client < rules.absolute_floor:
        signals.append(_below_floor(client, session, rules))
    earlier = [
        c.client_total
        for c in checkins
        if c.session_number < session and c.client_total is not None
    ]
    if len(earlier) >= rules.min_baseline:
        signals.extend(_drop(client, session, earlier, rules))
    if latest.therapist_total is not None:
        signals.extend(_discrepancy(client, latest.therapist_total, session, rules))
    if latest.comment and client < rules.low_with_comment:
        signals.append(_low_with_comment(client, session, rules))
    return signals


def _below_floor(client: float, session: int, rules: RuptureRules) -> Signal:
    return Signal(
        SignalCode.BELOW_FLOOR,
        Level.ALERT,
        f"Client check-in {_checkin(client)} at session {session} is below "
        f"{_num(rules.absolute_floor)}.",
    )


def _drop(client: float, session: int, earlier: list[float], rules: RuptureRules) -> list[Signal]:
    mean = statistics.fmean(earlier)
    raw_sd = statistics.stdev(earlier)
    sd = max(raw_sd, rules.min_sd)
    if client < mean - rules.alert_sd * sd:
        code, level, k = SignalCode.DROP_ALERT, Level.ALERT, rules.alert_sd
    elif client < mean - rules.watch_sd * sd:
        code, level, k = SignalCode.DROP_WATCH, Level.WATCH, rules.watch_sd
    else:
        return []
    sd_text = (
        f"SD {_num(sd)}"
        if raw_sd >= rules.min_sd
        else f"SD {_num(raw_sd)}, raised to the minimum {_num(rules.min_sd)}"
    )
    text = (
        f"Client check-in {_checkin(client)} at session {session} is "
        f"{_num((mean - client) / sd)} SD below this client's earlier average "
        f"({_num(mean)} over {len(earlier)} check-ins, {sd_text}); "
        f"the {level.value} threshold is more than {_num(k)} SD below."
    )
    return [Signal(code, level, text)]


def _discrepancy(
    client: float, therapist: float, session: int, rules: RuptureRules
) -> list[Signal]:
    gap = abs(client - therapist)
    if gap < rules.discrepancy:
        return []
    higher = "therapist" if therapist > client else "client"
    text = (
        f"At session {session} the client's check-in was {_checkin(client)} and the "
        f"therapist's {_checkin(therapist)}: the {higher} rated it {_num(gap)} points higher "
        f"({_num(rules.discrepancy)} or more is flagged)."
    )
    return [Signal(SignalCode.DISCREPANCY, Level.WATCH, text)]


def _low_with_comment(client: float, session: int, rules: RuptureRules) -> Signal:
    return Signal(
        SignalCode.LOW_WITH_COMMENT,
        Level.WATCH,
        f"The client wrote a comment at session {session} with a check-in of "
        f"{_checkin(client)}, below {_num(rules.low_with_comment)}: read what they wrote.",
    )


def _attendance_signals(attendance: Sequence[Attendance], rules: RuptureRules) -> list[Signal]:
    window = sorted(attendance, key=lambda a: a.session_number)[-rules.attendance_window :]
    missed = [a for a in window if a.outcome in _MISSED]
    if len(missed) >= rules.attendance_alert:
        code, level, limit = SignalCode.ATTENDANCE_ALERT, Level.ALERT, rules.attendance_alert
    elif len(missed) >= rules.attendance_watch:
        code, level, limit = SignalCode.ATTENDANCE_WATCH, Level.WATCH, rules.attendance_watch
    else:
        return []
    n_late = sum(a.outcome == AttendanceOutcome.LATE_CANCEL for a in missed)
    n_no_show = len(missed) - n_late
    sessions = ", ".join(str(a.session_number) for a in missed)
    text = (
        f"{len(missed)} of the last {len(window)} scheduled sessions were missed "
        f"({n_late} late cancellation{_plural(n_late)}, "
        f"{n_no_show} no-show{_plural(n_no_show)}: session{_plural(len(missed))} {sessions}); "
        f"the {level.value} threshold is {limit} or more."
    )
    return [Signal(code, level, text)]


def _combine(signals: Sequence[Signal]) -> Level:
    level = max((s.level for s in signals), key=_RANK.__getitem__, default=Level.NONE)
    watch_families = {SIGNAL_FAMILIES[s.code] for s in signals if s.level is Level.WATCH}
    return Level.ALERT if len(watch_families) >= 2 else level


def _check_checkins(checkins: Sequence[CheckIn]) -> None:
    _check_sessions([c.session_number for c in checkins], "check-in")
    for checkin in checkins:
        for who, total in (
            ("client", checkin.client_total),
            ("therapist", checkin.therapist_total),
        ):
            if total is not None and not _is_total(total):
                raise InvalidInput(
                    f"session {checkin.session_number}: {who} check-in total {total!r} is not "
                    f"a number from {CHECKIN_TOTAL_MIN} to {CHECKIN_TOTAL_MAX}",
                    code="score_out_of_range",
                )


def _check_attendance(attendance: Sequence[Attendance]) -> None:
    _check_sessions([a.session_number for a in attendance], "attendance")
    allowed = {outcome.value for outcome in AttendanceOutcome}
    for record in attendance:
        if record.outcome not in allowed:
            raise InvalidInput(
                f"session {record.session_number}: attendance {record.outcome!r} is not one of "
                f"{', '.join(sorted(allowed))}",
                code="invalid_attendance",
            )


def _check_sessions(numbers: list[int], what: str) -> None:
    for number in numbers:
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise InvalidInput(
                f"{what} session number {number!r} must be a whole number from 1",
                code="invalid_session",
            )
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(f"two {what} records for the same session", code="duplicate_session")


def _is_total(total: float) -> bool:
    return (
        not isinstance(total, bool)
        and isinstance(total, int | float)
        and math.isfinite(total)
        and CHECKIN_TOTAL_MIN <= total <= CHECKIN_TOTAL_MAX
    )


def _checkin(total: float) -> str:
    return f"{_num(total)}/{CHECKIN_TOTAL_MAX}"


def _num(value: float) -> str:
    """One decimal at most, no trailing ``.0``: 13.0 → "13", 12.333 → "12.3"."""
    return f"{round(value, 1):g}"


def _plural(count: int) -> str:
    return "" if count == 1 else "s"
