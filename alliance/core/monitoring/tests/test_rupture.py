"""Rupture assessment on the Alliance Check-in (0-16, higher is better).

Thresholds are Alliance's own design (the Check-in is not validated); the SD rule's shape,
``score < mean - k·SD`` with k = 1 (watch) and k = 2 (alert) over at least 3 earlier sessions,
follows Gumz et al. (2012). Defaults: floor 9, min SD 1, discrepancy 4,
comment threshold 12, attendance 1 (watch) / 2 (alert) in the last 4 scheduled sessions.
"""

from __future__ import annotations

import itertools
import math

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.monitoring.rupture import (
    Attendance,
    CheckIn,
    Level,
    RuptureRules,
    Signal,
    SignalCode,
    assess_rupture,
)


def ck(
    session: int, client: float | None, therapist: float | None = None, comment: bool = False
) -> CheckIn:
    return CheckIn(session, client, therapist, comment)


def series(*clients: float | None) -> list[CheckIn]:
    """Check-ins at sessions 1, 2, … with these client totals and no therapist total."""
    return [ck(n, total) for n, total in enumerate(clients, start=1)]


def visits(*outcomes: str) -> list[Attendance]:
    return [Attendance(n, outcome) for n, outcome in enumerate(outcomes, start=1)]


def codes(signals: tuple[Signal, ...]) -> tuple[str, ...]:
    return tuple(signal.code for signal in signals)


SCORE_TABLE = [
    # (check-ins, overall level, signal codes)
    pytest.param([], "none", (), id="no check-ins"),
    pytest.param(series(12), "none", (), id="one check-in, 12 >= 9"),
    pytest.param(series(8), "alert", ("below_floor",), id="8 < 9 floor"),
    pytest.param(series(9), "none", (), id="exactly 9 is not below 9"),
    pytest.param(series(8.75), "alert", ("below_floor",), id="8.75 < 9"),
    # baseline 12,13,14 → mean 13, SD sqrt(((-1)²+0+1²)/2) = 1.0
    # latest 10: 10 < 13 - 2·1 = 11 → drop 3.0 SD → alert
    pytest.param(series(12, 13, 14, 10), "alert", ("drop_alert",), id="3 SD drop"),
    # latest 11: 11 < 11 is false (exactly 2 SD, strict); 11 < 13 - 1 = 12 → watch
    pytest.param(series(12, 13, 14, 11), "watch", ("drop_watch",), id="exactly 2 SD"),
    # latest 10.9: 10.9 < 11 → just past 2 SD → alert
    pytest.param(series(12, 13, 14, 10.9), "alert", ("drop_alert",), id="just past 2 SD"),
    # latest 11.5: 1.5 SD → watch
    pytest.param(series(12, 13, 14, 11.5), "watch", ("drop_watch",), id="1.5 SD"),
    # latest 12: 12 < 12 is false (exactly 1 SD) → nothing
    pytest.param(series(12, 13, 14, 12), "none", (), id="exactly 1 SD"),
    # latest 11.9: 11.9 < 12 → just past 1 SD → watch
    pytest.param(series(12, 13, 14, 11.9), "watch", ("drop_watch",), id="just past 1 SD"),
    # a rise is never a rupture: 16 > 13
    pytest.param(series(12, 13, 14, 16), "none", (), id="rise"),
    # only 2 earlier totals < min_baseline 3: no SD rule; 10 >= 9 → nothing
    pytest.param(series(14, 14, 10), "none", (), id="2 earlier: no SD rule"),
    # …but the floor applies from the first session (level-based flags only)
    pytest.param(series(14, 14, 8), "alert", ("below_floor",), id="2 earlier: floor only"),
    # flat baseline 14,14,14: SD 0 → minimum 1; latest 13 = 1 SD exactly → nothing
    pytest.param(series(14, 14, 14, 13), "none", (), id="SD 0, drop 1"),
    # 12.5 < 14 - 1 = 13 → 1.5 SD → watch
    pytest.param(series(14, 14, 14, 12.5), "watch", ("drop_watch",), id="SD 0, drop 1.5"),
    # 12 < 14 - 2 = 12 is false → watch only
    pytest.param(series(14, 14, 14, 12), "watch", ("drop_watch",), id="SD 0, drop 2"),
    # 11 < 12 → 3 SD → alert
    pytest.param(series(14, 14, 14, 11), "alert", ("drop_alert",), id="SD 0, drop 3"),
    # baseline 13,13,14 → mean 13.33, SD sqrt((1/9 + 1/9 + 4/9)/2) = 0.58 < 1 → 1;
    # 12 < 13.33 - 1 = 12.33 → watch; 12 < 11.33 false (with SD 0.58 it would be 2.3 SD, alert)
    pytest.param(series(13, 13, 14, 12), "watch", ("drop_watch",), id="SD 0.58 raised to 1"),
    # baseline 10,12,14 → mean 12, SD sqrt((4+0+4)/2) = 2; latest 9: 9 < 12 - 2 = 10 → watch
    pytest.param(series(10, 12, 14, 9), "watch", ("drop_watch",), id="SD 2, drop 1.5"),
    # latest 8: 8 < 12 - 4 = 8 false → watch; 8 < 9 → floor alert; overall alert
    pytest.param(
        series(10, 12, 14, 8), "alert", ("below_floor", "drop_watch"), id="SD 2, floor + watch"
    ),
    # all earlier ones count: baseline 16,16,10,10 → mean 13, SD sqrt((9+9+9+9)/3) = 3.4641;
    # latest 9: 13 - 3.4641 = 9.5359 > 9 → watch; 13 - 6.9282 = 6.07 < 9 → not alert
    pytest.param(series(16, 16, 10, 10, 9), "watch", ("drop_watch",), id="whole episode"),
    # a missing client total is left out of the baseline: 12, 13, 14 remain → 3 SD → alert
    pytest.param(series(None, 12, 13, 14, 10), "alert", ("drop_alert",), id="None skipped"),
    # …and then only 2 earlier totals (12, 14) remain: no SD rule
    pytest.param(series(12, None, 14, 10), "none", (), id="None leaves 2 earlier"),
    # the latest check-in has no client total: nothing is assessed, old lows do not linger
    pytest.param(series(5, None), "none", (), id="latest client missing"),
]


@pytest.mark.parametrize(("checkins", "level", "expected"), SCORE_TABLE)
def test_alliance_score_signals(
    checkins: list[CheckIn], level: str, expected: tuple[str, ...]
) -> None:
    assessment = assess_rupture(checkins, [])
    assert assessment.level == level
    assert codes(assessment.signals) == expected


DISCREPANCY_TABLE = [
    # (client, therapist, comment, level, codes)
    pytest.param(12, 16, False, "watch", ("discrepancy",), id="therapist 4 higher"),
    pytest.param(16, 12, False, "watch", ("discrepancy",), id="client 4 higher"),
    pytest.param(12, 15, False, "none", (), id="gap 3 < 4"),
    pytest.param(12, 15.5, False, "none", (), id="gap 3.5 < 4"),
    pytest.param(12, None, False, "none", (), id="no therapist total"),
    pytest.param(11, 11, True, "watch", ("low_with_comment",), id="comment, 11 < 12"),
    pytest.param(12, 12, True, "none", (), id="comment, exactly 12"),
    pytest.param(11, 11, False, "none", (), id="11 without comment"),
    pytest.param(16, None, True, "none", (), id="comment on a good session"),
    # 8 < 9 → floor alert; 8 < 12 with a comment → watch; overall alert
    pytest.param(8, None, True, "alert", ("below_floor", "low_with_comment"), id="floor+comment"),
    # |10 - 15| = 5 >= 4 and 10 < 12 with a comment: two watches, same family → still watch
    pytest.param(
        10, 15, True, "watch", ("discrepancy", "low_with_comment"), id="two score watches"
    ),
]


@pytest.mark.parametrize(("client", "therapist", "comment", "level", "expected"), DISCREPANCY_TABLE)
def test_discrepancy_and_comment(
    client: float, therapist: float | None, comment: bool, level: str, expected: tuple[str, ...]
) -> None:
    assessment = assess_rupture([ck(1, client, therapist, comment)], [])
    assert assessment.level == level
    assert codes(assessment.signals) == expected


ATTENDANCE_TABLE = [
    # (outcomes for sessions 1, 2, …; level; codes) — late cancels + no-shows in the last 4
    pytest.param((), "none", (), id="no attendance"),
    pytest.param(("held",) * 4, "none", (), id="all held"),
    pytest.param(("held", "held", "late_cancel", "held"), "watch", ("attendance_watch",), id="1"),
    pytest.param(("no_show",), "watch", ("attendance_watch",), id="1 of 1"),
    pytest.param(
        ("held", "no_show", "held", "late_cancel"), "alert", ("attendance_alert",), id="2"
    ),
    pytest.param(("no_show",) * 4, "alert", ("attendance_alert",), id="4"),
    # early cancellations do not count
    pytest.param(("early_cancel",) * 4, "none", (), id="early cancels"),
    # window is the last 4: sessions 3-6 all held → 0
    pytest.param(("no_show", "no_show", "held", "held", "held", "held"), "none", (), id="old"),
    # sessions 2-5: no_show (2) and late_cancel (5) → 2 → alert
    pytest.param(
        ("held", "no_show", "held", "held", "late_cancel"),
        "alert",
        ("attendance_alert",),
        id="sliding window",
    ),
]


@pytest.mark.parametrize(("outcomes", "level", "expected"), ATTENDANCE_TABLE)
def test_attendance_signals(
    outcomes: tuple[str, ...], level: str, expected: tuple[str, ...]
) -> None:
    assessment = assess_rupture([], visits(*outcomes))
    assert assessment.level == level
    assert codes(assessment.signals) == expected


COMBINATION_TABLE = [
    # (check-ins, attendance outcomes, level, codes)
    # drop_watch (1.5 SD) + one late cancel: watches from two families → alert
    pytest.param(
        series(12, 13, 14, 11.5),
        ("held", "held", "held", "late_cancel"),
        "alert",
        ("drop_watch", "attendance_watch"),
        id="score watch + attendance watch",
    ),
    pytest.param(
        [ck(1, 11, comment=True)],
        ("no_show",),
        "alert",
        ("low_with_comment", "attendance_watch"),
        id="comment watch + attendance watch",
    ),
    # a good check-in does not cancel an attendance alert
    pytest.param(
        series(15), ("no_show", "no_show"), "alert", ("attendance_alert",), id="attendance alert"
    ),
    # early cancels add nothing to a single score watch
    pytest.param(
        series(12, 13, 14, 11.5),
        ("early_cancel",) * 4,
        "watch",
        ("drop_watch",),
        id="score watch + early cancels",
    ),
]


@pytest.mark.parametrize(("checkins", "outcomes", "level", "expected"), COMBINATION_TABLE)
def test_combination(
    checkins: list[CheckIn], outcomes: tuple[str, ...], level: str, expected: tuple[str, ...]
) -> None:
    assessment = assess_rupture(checkins, visits(*outcomes))
    assert assessment.level == level
    assert codes(assessment.signals) == expected


def test_signal_levels() -> None:
    assessment = assess_rupture(
        [ck(1, 12), ck(2, 13), ck(3, 14), ck(4, 8, therapist=14, comment=True)],
        visits("held", "no_show", "held", "held"),
    )
    assert [(s.code, s.level) for s in assessment.signals] == [
        (SignalCode.BELOW_FLOOR, Level.ALERT),
        (SignalCode.DROP_ALERT, Level.ALERT),  # 8 < 13 - 2 = 11
        (SignalCode.DISCREPANCY, Level.WATCH),  # |8 - 14| = 6
        (SignalCode.LOW_WITH_COMMENT, Level.WATCH),
        (SignalCode.ATTENDANCE_WATCH, Level.WATCH),
    ]


TEXT_TABLE = [
    pytest.param(
        [ck(5, 7)],
        "Client check-in 7/16 at session 5 is below 9.",
        id="below_floor",
    ),
    # mean 13, SD 1; (13 - 10) / 1 = 3
    pytest.param(
        series(12, 13, 14, 10),
        "Client check-in 10/16 at session 4 is 3 SD below this client's earlier average "
        "(13 over 3 check-ins, SD 1); the alert threshold is more than 2 SD below.",
        id="drop_alert",
    ),
    # mean 13, SD 1; (13 - 11.5) / 1 = 1.5
    pytest.param(
        series(12, 13, 14, 11.5),
        "Client check-in 11.5/16 at session 4 is 1.5 SD below this client's earlier average "
        "(13 over 3 check-ins, SD 1); the watch threshold is more than 1 SD below.",
        id="drop_watch",
    ),
    # mean 14, SD 0 → 1; (14 - 12.5) / 1 = 1.5
    pytest.param(
        series(14, 14, 14, 12.5),
        "Client check-in 12.5/16 at session 4 is 1.5 SD below this client's earlier average "
        "(14 over 3 check-ins, SD 0, raised to the minimum 1); the watch threshold is more "
        "than 1 SD below.",
        id="drop from a flat baseline",
    ),
    # mean (16+16+14+13)/4 = 14.75, SD sqrt((1.5625·2 + 0.5625 + 3.0625)/3) = sqrt(2.25) = 1.5;
    # 10.4 < 14.75 - 3 = 11.75 → alert; (14.75 - 10.4) / 1.5 = 2.9
    pytest.param(
        series(16, 16, 14, 13, 10.4),
        "Client check-in 10.4/16 at session 5 is 2.9 SD below this client's earlier average "
        "(14.8 over 4 check-ins, SD 1.5); the alert threshold is more than 2 SD below.",
        id="rounded to one decimal",
    ),
    pytest.param(
        [ck(3, 10, therapist=15)],
        "At session 3 the client's check-in was 10/16 and the therapist's 15/16: the therapist "
        "rated it 5 points higher (4 or more is flagged).",
        id="discrepancy, therapist higher",
    ),
    pytest.param(
        [ck(3, 14, therapist=10)],
        "At session 3 the client's check-in was 14/16 and the therapist's 10/16: the client "
        "rated it 4 points higher (4 or more is flagged).",
        id="discrepancy, client higher",
    ),
    pytest.param(
        [ck(2, 11, comment=True)],
        "The client wrote a comment at session 2 with a check-in of 11/16, below 12: "
        "read what they wrote.",
        id="low_with_comment",
    ),
]


@pytest.mark.parametrize(("checkins", "text"), TEXT_TABLE)
def test_signal_text(checkins: list[CheckIn], text: str) -> None:
    (signal,) = assess_rupture(checkins, []).signals
    assert signal.text == text


@pytest.mark.parametrize(
    ("outcomes", "text"),
    [
        (
            ("held", "no_show", "held", "held", "late_cancel"),
            "2 of the last 4 scheduled sessions were missed (1 late cancellation, 1 no-show: "
            "sessions 2, 5); the alert threshold is 2 or more.",
        ),
        (
            ("late_cancel",),
            "1 of the last 1 scheduled sessions were missed (1 late cancellation, 0 no-shows: "
            "session 1); the watch threshold is 1 or more.",
        ),
    ],
)
def test_attendance_text(outcomes: tuple[str, ...], text: str) -> None:
    (signal,) = assess_rupture([], visits(*outcomes)).signals
    assert signal.text == text


def test_order_of_input_does_not_matter() -> None:
    checkins = [ck(1, 12), ck(2, 13), ck(3, 14), ck(4, 10, therapist=15, comment=True)]
    attendance = visits("held", "no_show", "held", "held", "late_cancel")
    expected = assess_rupture(checkins, attendance)
    assert expected.level == "alert"
    for shuffled in itertools.permutations(checkins):
        assert assess_rupture(shuffled, attendance[::-1]) == expected


def test_latest_is_the_highest_session_number() -> None:
    # given out of order, session 4 (10) is the latest; baseline 12, 13, 14 → 3 SD → alert
    assessment = assess_rupture([ck(4, 10), ck(1, 12), ck(3, 14), ck(2, 13)], [])
    assert codes(assessment.signals) == ("drop_alert",)


CUSTOM_RULES_TABLE = [
    # (rules, check-ins, attendance outcomes, codes)
    pytest.param(RuptureRules(absolute_floor=10), series(9.5), (), ("below_floor",), id="floor"),
    # min_baseline 2: baseline 14, 14 → SD 0 → 1; 11 < 14 - 2 → alert
    pytest.param(RuptureRules(min_baseline=2), series(14, 14, 11), (), ("drop_alert",), id="mb2"),
    # min_sd 2: baseline 14,14,14 → SD 2; 11.5 < 14 - 2 = 12 → watch (with min_sd 1: alert)
    pytest.param(RuptureRules(min_sd=2), series(14, 14, 14, 11.5), (), ("drop_watch",), id="sd2"),
    # alert_sd 3: baseline 12,13,14; 10 < 13 - 3 = 10 is false → watch
    pytest.param(RuptureRules(alert_sd=3), series(12, 13, 14, 10), (), ("drop_watch",), id="k3"),
    pytest.param(RuptureRules(discrepancy=6), [ck(1, 10, 15)], (), (), id="gap 5 < 6"),
    pytest.param(
        RuptureRules(low_with_comment=14),
        [ck(1, 13, comment=True)],
        (),
        ("low_with_comment",),
        id="comment 13 < 14",
    ),
    # window 2: sessions 3-4 → 1 no-show → watch (with window 4 it would be 2 → alert)
    pytest.param(
        RuptureRules(attendance_window=2),
        [],
        ("no_show", "held", "no_show", "held"),
        ("attendance_watch",),
        id="window 2",
    ),
    pytest.param(
        RuptureRules(attendance_watch=2, attendance_alert=3),
        [],
        ("no_show", "held", "held", "held"),
        (),
        id="watch needs 2",
    ),
]


@pytest.mark.parametrize(("rules", "checkins", "outcomes", "expected"), CUSTOM_RULES_TABLE)
def test_custom_rules(
    rules: RuptureRules,
    checkins: list[CheckIn],
    outcomes: tuple[str, ...],
    expected: tuple[str, ...],
) -> None:
    assert codes(assess_rupture(checkins, visits(*outcomes), rules).signals) == expected


def test_default_rules() -> None:
    assert RuptureRules() == RuptureRules(
        absolute_floor=9.0,
        watch_sd=1.0,
        alert_sd=2.0,
        min_baseline=3,
        min_sd=1.0,
        discrepancy=4.0,
        low_with_comment=12.0,
        attendance_window=4,
        attendance_watch=1,
        attendance_alert=2,
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"watch_sd": 0},
        {"watch_sd": 3},  # above alert_sd 2
        {"min_baseline": 1},
        {"min_sd": 0},
        {"discrepancy": 0},
        {"attendance_window": 0},
        {"attendance_watch": 0},
        {"attendance_watch": 3},  # above attendance_alert 2
        {"absolute_floor": math.nan},
        {"alert_sd": math.inf},
    ],
)
def test_invalid_rules(changes: dict[str, float]) -> None:
    with pytest.raises(InvalidInput) as raised:
        RuptureRules(**changes)  # type: ignore[arg-type]
    assert raised.value.code == "invalid_rules"


@pytest.mark.parametrize(
    ("checkins", "attendance", "code"),
    [
        ([ck(1, 17)], [], "score_out_of_range"),
        ([ck(1, -1)], [], "score_out_of_range"),
        ([ck(1, math.nan)], [], "score_out_of_range"),
        ([ck(1, 12, therapist=16.5)], [], "score_out_of_range"),
        ([ck(1, True)], [], "score_out_of_range"),
        ([ck(0, 12)], [], "invalid_session"),
        ([ck(1, 12), ck(1, 13)], [], "duplicate_session"),
        ([], [Attendance(1, "cancelled")], "invalid_attendance"),
        ([], [Attendance(1, "held"), Attendance(1, "no_show")], "duplicate_session"),
        ([], [Attendance(-2, "held")], "invalid_session"),
    ],
)
def test_invalid_input(checkins: list[CheckIn], attendance: list[Attendance], code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        assess_rupture(checkins, attendance)
    assert raised.value.code == code


def test_scale_ends_are_accepted() -> None:
    # 0 and 16 are the Check-in's own range (instruments/alliance-checkin-*.json)
    assessment = assess_rupture([ck(1, 0, therapist=16)], [])
    assert codes(assessment.signals) == ("below_floor", "discrepancy")


def test_levels_compare_as_plain_strings() -> None:
    assessment = assess_rupture(series(8), [])
    assert assessment.level == "alert"
    assert assessment.signals[0].code == "below_floor"
    assert assessment.signals[0].level == "alert"
