"""The measurement schedule: session-based and day-based rules, parsing and per-episode merging.

Session rule due at n when n >= first and (n - first) % every == 0; days rule when never given or
(today - last date) >= every_days days; neither when already given at this session.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.monitoring.schedule import (
    DEFAULT_SCHEDULE,
    Due,
    InvalidSchedule,
    ScheduleRule,
    due_measures,
    merge_schedule,
    parse_schedule,
)

TODAY = dt.date(2026, 10, 29)
ALL = range(1, 10)


def due_ids(
    rules: Sequence[ScheduleRule],
    session: int,
    last_given: Mapping[str, tuple[int, dt.date]] | None = None,
    today: dt.date = TODAY,
) -> list[str]:
    return [d.instrument for d in due_measures(rules, session, last_given or {}, today)]


SESSION_TABLE = [
    # (rule, sessions 1..9 at which it is due)
    pytest.param(ScheduleRule("alliance-checkin-client", every_sessions=1), set(ALL), id="every"),
    # every 2nd from 1: (n - 1) % 2 == 0 → 1, 3, 5, 7, 9
    pytest.param(ScheduleRule("phq-9", every_sessions=2), {1, 3, 5, 7, 9}, id="every 2nd"),
    # from 3, every 4th: (n - 3) % 4 == 0 → 3, 7 (11 is past 9); never before 3
    pytest.param(ScheduleRule("wai-sr", every_sessions=4, first_session=3), {3, 7}, id="wai-sr"),
    # from 2, every 3rd: 2, 5, 8
    pytest.param(ScheduleRule("x", every_sessions=3, first_session=2), {2, 5, 8}, id="3 from 2"),
    # every session from 4: 4..9
    pytest.param(ScheduleRule("x", every_sessions=1, first_session=4), set(range(4, 10)), id="4+"),
    # first session past the table: never
    pytest.param(ScheduleRule("x", every_sessions=1, first_session=10), set(), id="from 10"),
]


@pytest.mark.parametrize(("rule", "sessions"), SESSION_TABLE)
def test_session_rules(rule: ScheduleRule, sessions: set[int]) -> None:
    assert {n for n in ALL if due_ids([rule], n)} == sessions


DEFAULT_TABLE = [
    # session → due from DEFAULT_SCHEDULE with CORE-10 given today at this same session (so it
    # drops out) — check-ins, PHQ-9, GAD-7 every session; WAI-SR at 3 and 7
    (1, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (2, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (3, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7", "wai-sr"]),
    (4, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (5, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (6, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (7, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7", "wai-sr"]),
    (8, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
    (9, ["alliance-checkin-client", "alliance-checkin-therapist", "phq-9", "gad-7"]),
]


@pytest.mark.parametrize(("session", "expected"), DEFAULT_TABLE)
def test_default_schedule_sessions_1_to_9(session: int, expected: list[str]) -> None:
    last_given = {"core-10": (session, TODAY)}
    assert due_ids(DEFAULT_SCHEDULE, session, last_given=last_given) == expected


def test_default_schedule_rules() -> None:
    expected = (
        ScheduleRule("alliance-checkin-client", every_sessions=1),
        ScheduleRule("alliance-checkin-therapist", every_sessions=1),
        ScheduleRule("phq-9", every_sessions=1),
        ScheduleRule("gad-7", every_sessions=1),
        ScheduleRule("core-10", every_days=28),
        ScheduleRule("wai-sr", every_sessions=4, first_session=3),
    )
    assert expected == DEFAULT_SCHEDULE


def test_default_schedule_first_session_includes_core_10() -> None:
    # never given → due at session 1
    assert due_ids(DEFAULT_SCHEDULE, 1) == [
        "alliance-checkin-client",
        "alliance-checkin-therapist",
        "phq-9",
        "gad-7",
        "core-10",
    ]


MONTHLY = ScheduleRule("core-10", every_days=28)
OCT_1 = dt.date(2026, 10, 1)

MONTHLY_TABLE = [
    # (last given (session, date) or None, today, due?)
    pytest.param(None, OCT_1, True, id="never given"),
    pytest.param((1, OCT_1), dt.date(2026, 10, 2), False, id="1 day"),
    # 2026-10-28 - 2026-10-01 = 27 days < 28
    pytest.param((1, OCT_1), dt.date(2026, 10, 28), False, id="27 days"),
    # 2026-10-29 - 2026-10-01 = 28 days >= 28 (inclusive)
    pytest.param((1, OCT_1), dt.date(2026, 10, 29), True, id="28 days"),
    # 31 (rest of Oct) + 15 = 45 days
    pytest.param((1, OCT_1), dt.date(2026, 11, 15), True, id="45 days"),
    # across a year end: 2026-12-10 + 28 days = 2027-01-07
    pytest.param((1, dt.date(2026, 12, 10)), dt.date(2027, 1, 6), False, id="27 across year"),
    pytest.param((1, dt.date(2026, 12, 10)), dt.date(2027, 1, 7), True, id="28 across year"),
    # a last date after today (clock skew, bad data) is not "due"
    pytest.param((1, dt.date(2026, 11, 1)), OCT_1, False, id="future date"),
]


@pytest.mark.parametrize(("last", "today", "due"), MONTHLY_TABLE)
def test_monthly_rule(last: tuple[int, dt.date] | None, today: dt.date, due: bool) -> None:
    last_given = {} if last is None else {"core-10": last}
    assert due_ids([MONTHLY], 5, last_given=last_given, today=today) == (["core-10"] if due else [])


def test_already_given_this_session_is_not_due() -> None:
    long_ago = dt.date(2025, 1, 1)
    last_given = {"phq-9": (4, TODAY), "core-10": (4, long_ago)}
    rules = [ScheduleRule("phq-9", every_sessions=1), MONTHLY]
    assert due_ids(rules, 4, last_given=last_given) == []
    # the next session both are due again: every session; 2025-01-01 is > 28 days ago
    assert due_ids(rules, 5, last_given=last_given) == ["phq-9", "core-10"]


def test_days_rule_waits_for_first_session() -> None:
    rule = ScheduleRule("core-10", every_days=28, first_session=3)
    assert [n for n in ALL if due_ids([rule], n)] == list(range(3, 10))


def test_unknown_instruments_in_last_given_are_ignored() -> None:
    rules = [ScheduleRule("phq-9", every_sessions=2)]
    assert due_ids(rules, 3, last_given={"ors": (3, TODAY)}) == ["phq-9"]


def test_order_follows_the_rules() -> None:
    rules = [ScheduleRule("gad-7", every_sessions=1), ScheduleRule("phq-9", every_sessions=1)]
    assert due_ids(rules, 1) == ["gad-7", "phq-9"]


REASON_TABLE = [
    pytest.param(ScheduleRule("x", every_sessions=1), None, "every session", id="1"),
    pytest.param(ScheduleRule("x", every_sessions=2), None, "every 2nd session", id="2"),
    pytest.param(ScheduleRule("x", every_sessions=3), None, "every 3rd session", id="3"),
    pytest.param(ScheduleRule("x", every_sessions=11), None, "every 11th session", id="11"),
    pytest.param(ScheduleRule("x", every_sessions=12), None, "every 12th session", id="12"),
    pytest.param(ScheduleRule("x", every_sessions=13), None, "every 13th session", id="13"),
    pytest.param(ScheduleRule("x", every_sessions=21), None, "every 21st session", id="21"),
    pytest.param(ScheduleRule("x", every_sessions=22), None, "every 22nd session", id="22"),
    pytest.param(ScheduleRule("x", every_sessions=4), None, "every 4th session", id="4"),
    pytest.param(ScheduleRule("x", every_sessions=101), None, "every 101st session", id="101"),
    pytest.param(ScheduleRule("x", every_sessions=111), None, "every 111th session", id="111"),
    pytest.param(MONTHLY, None, "monthly (not given yet)", id="monthly, never"),
    pytest.param(MONTHLY, (1, OCT_1), "monthly (last on 2026-10-01)", id="monthly"),
    pytest.param(ScheduleRule("x", every_days=7), None, "weekly (not given yet)", id="weekly"),
    pytest.param(
        ScheduleRule("x", every_days=14), (1, OCT_1), "every 14 days (last on 2026-10-01)", id="14"
    ),
    pytest.param(
        ScheduleRule("x", every_days=28, first_session=2),
        None,
        "monthly from session 2 (not given yet)",
        id="monthly from 2",
    ),
]


@pytest.mark.parametrize(("rule", "last", "reason"), REASON_TABLE)
def test_reasons(rule: ScheduleRule, last: tuple[int, dt.date] | None, reason: str) -> None:
    last_given = {} if last is None else {rule.instrument: last}
    # a session rule from 1 is due at 1 + every ((1 + every - 1) % every == 0); a days rule at
    # the session after its first, never given or last given (session 1) 2026-10-01, 61 days
    # before 2026-12-01
    session = rule.first_session + 1 if rule.every_sessions is None else 1 + rule.every_sessions
    assert due_measures([rule], session, last_given, dt.date(2026, 12, 1)) == [
        Due(rule.instrument, reason)
    ]


@pytest.mark.parametrize(
    ("rule", "session", "reason"),
    [
        (
            ScheduleRule("wai-sr", every_sessions=4, first_session=3),
            3,
            "at session 3, then every 4th",
        ),
        (
            ScheduleRule("wai-sr", every_sessions=4, first_session=3),
            7,
            "at session 3, then every 4th",
        ),
        (ScheduleRule("x", every_sessions=1, first_session=3), 5, "every session from session 3"),
    ],
)
def test_reasons_with_a_later_start(rule: ScheduleRule, session: int, reason: str) -> None:
    assert due_measures([rule], session, {}, TODAY) == [Due(rule.instrument, reason)]


@pytest.mark.parametrize("session", [0, -1, True])
def test_session_number_must_be_positive(session: int) -> None:
    with pytest.raises(InvalidSchedule) as raised:
        due_measures(DEFAULT_SCHEDULE, session, {}, TODAY)
    assert raised.value.code == "invalid_session"


# --- parse_schedule ---------------------------------------------------------------------------

DEFAULT_JSON = [
    {"instrument": "alliance-checkin-client", "every_sessions": 1},
    {"instrument": "alliance-checkin-therapist", "every_sessions": 1},
    {"instrument": "phq-9", "every_sessions": 1, "first_session": 1},
    {"instrument": "gad-7", "every_sessions": 1, "every_days": None},
    {"instrument": "core-10", "every_days": 28},
    {"instrument": "wai-sr", "every_sessions": 4, "first_session": 3},
]


def test_parse_default_schedule() -> None:
    assert parse_schedule(DEFAULT_JSON) == DEFAULT_SCHEDULE


def test_parse_empty_schedule() -> None:
    assert parse_schedule([]) == ()


PARSE_ERRORS = [
    pytest.param([{"instrument": "phq-9", "every_weeks": 2}], "unknown_key", id="unknown key"),
    pytest.param([{"instrument": "phq-9"}], "invalid_interval", id="neither"),
    pytest.param(
        [{"instrument": "phq-9", "every_sessions": 1, "every_days": 28}],
        "invalid_interval",
        id="both",
    ),
    pytest.param([{"instrument": "phq-9", "every_sessions": 0}], "invalid_interval", id="0"),
    pytest.param([{"instrument": "phq-9", "every_sessions": -2}], "invalid_interval", id="-2"),
    pytest.param([{"instrument": "core-10", "every_days": 0}], "invalid_interval", id="0 days"),
    pytest.param(
        [{"instrument": "wai-sr", "every_sessions": 4, "first_session": 0}],
        "invalid_interval",
        id="first 0",
    ),
    pytest.param([{"instrument": "phq-9", "every_sessions": "2"}], "invalid_entry", id="str"),
    pytest.param([{"instrument": "phq-9", "every_sessions": 1.5}], "invalid_entry", id="float"),
    pytest.param([{"instrument": "phq-9", "every_sessions": True}], "invalid_entry", id="bool"),
    pytest.param([{"every_sessions": 1}], "invalid_entry", id="no instrument"),
    pytest.param([{"instrument": "", "every_sessions": 1}], "invalid_entry", id="empty id"),
    pytest.param([{"instrument": 9, "every_sessions": 1}], "invalid_entry", id="numeric id"),
    pytest.param(["phq-9"], "invalid_entry", id="entry not an object"),
    pytest.param("phq-9", "invalid_entry", id="not a list"),
    pytest.param({"instrument": "phq-9", "every_sessions": 1}, "invalid_entry", id="object"),
    pytest.param(
        [{"instrument": "phq-9", "every_sessions": 1}, {"instrument": "phq-9", "every_days": 7}],
        "duplicate_instrument",
        id="duplicate",
    ),
]


@pytest.mark.parametrize(("data", "code"), PARSE_ERRORS)
def test_parse_errors(data: object, code: str) -> None:
    with pytest.raises(InvalidSchedule) as raised:
        parse_schedule(data)  # type: ignore[arg-type]
    assert raised.value.code == code
    assert isinstance(raised.value, InvalidInput)


def test_parse_error_names_the_entry() -> None:
    data: list[dict[str, object]] = [
        {"instrument": "phq-9", "every_sessions": 1},
        {"instrument": "gad-7"},
    ]
    with pytest.raises(InvalidSchedule) as raised:
        parse_schedule(data)
    assert raised.value.detail == (
        "schedule rule 2: gad-7: set exactly one of every_sessions and every_days"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"instrument": "x"}, "invalid_interval"),
        ({"instrument": "x", "every_sessions": 1, "every_days": 1}, "invalid_interval"),
        ({"instrument": "x", "every_sessions": 1, "first_session": 0}, "invalid_interval"),
        ({"instrument": " ", "every_sessions": 1}, "invalid_entry"),
    ],
)
def test_rule_checks_itself(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidSchedule) as raised:
        ScheduleRule(**kwargs)  # type: ignore[arg-type]
    assert raised.value.code == code


# --- merge_schedule ---------------------------------------------------------------------------


def ids(rules: tuple[ScheduleRule, ...]) -> list[str]:
    return [rule.instrument for rule in rules]


def test_override_replaces_in_place() -> None:
    every_other = ScheduleRule("phq-9", every_sessions=2)
    merged = merge_schedule(DEFAULT_SCHEDULE, [every_other])
    assert ids(merged) == ids(DEFAULT_SCHEDULE)
    assert merged[2] == every_other
    assert merged[:2] == DEFAULT_SCHEDULE[:2]
    assert merged[3:] == DEFAULT_SCHEDULE[3:]
    # PHQ-9 every 2nd session from 1: not due at 2, due at 3
    assert "phq-9" not in due_ids(merged, 2, last_given={"core-10": (2, TODAY)})
    assert "phq-9" in due_ids(merged, 3, last_given={"core-10": (3, TODAY)})


def test_new_instrument_is_appended() -> None:
    extra = ScheduleRule("wai-sr-therapist", every_sessions=4, first_session=3)
    gad_weekly = ScheduleRule("gad-7", every_days=7)
    merged = merge_schedule(DEFAULT_SCHEDULE, [extra, gad_weekly])
    assert ids(merged) == [*ids(DEFAULT_SCHEDULE), "wai-sr-therapist"]
    assert merged[3] == gad_weekly


def test_removed_instruments_are_dropped() -> None:
    merged = merge_schedule(DEFAULT_SCHEDULE, [], removed=["core-10", "wai-sr"])
    assert ids(merged) == [
        "alliance-checkin-client",
        "alliance-checkin-therapist",
        "phq-9",
        "gad-7",
    ]


def test_removal_wins_over_override_and_unknown_names_are_ignored() -> None:
    merged = merge_schedule(
        DEFAULT_SCHEDULE,
        [ScheduleRule("core-10", every_days=14), ScheduleRule("ors", every_sessions=1)],
        removed=["core-10", "ors", "not-an-instrument"],
    )
    assert ids(merged) == [
        "alliance-checkin-client",
        "alliance-checkin-therapist",
        "phq-9",
        "gad-7",
        "wai-sr",
    ]


def test_merge_without_changes_is_the_clinic_schedule() -> None:
    assert merge_schedule(DEFAULT_SCHEDULE, []) == DEFAULT_SCHEDULE


@pytest.mark.parametrize("which", ["clinic", "episode"])
def test_merge_refuses_duplicates(which: str) -> None:
    twice = [ScheduleRule("phq-9", every_sessions=1), ScheduleRule("phq-9", every_sessions=2)]
    clinic, episode = (twice, []) if which == "clinic" else (list(DEFAULT_SCHEDULE), twice)
    with pytest.raises(InvalidSchedule) as raised:
        merge_schedule(clinic, episode)
    assert raised.value.code == "duplicate_instrument"


# --- purity -----------------------------------------------------------------------------------

MODULES = [
    Path(__file__).resolve().parents[1] / name
    for name in ("rupture.py", "schedule.py", "fit_review.py")
]
FORBIDDEN_MODULES = {"django", "os", "io", "pathlib", "time", "random", "json", "sys"}
CLOCK_CALLS = {"today", "now", "utcnow", "time", "monotonic"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_pure(path: Path) -> None:
    # CONTRIBUTING.md: core imports no Django, does no I/O and never reads the clock
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            assert not {n.split(".")[0] for n in names} & FORBIDDEN_MODULES, names
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in CLOCK_CALLS | {"open", "print", "input"}, (
                f"{path.name}:{node.lineno}"
            )
