"""Session rules: cancellation notice, overrun and moves. Times are hand-computed instants."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.frame.sessions import cancellation_notice, check_move, overrun_minutes

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
STARTS = dt.datetime(2026, 3, 10, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cancelled_at", "notice_hours", "expected"),
    [
        # Exactly 24 h before (9 March 18:00): the boundary counts as early.
        (dt.datetime(2026, 3, 9, 18, 0, tzinfo=UTC), 24, "early"),
        # One second later: 23 h 59 min 59 s of notice, late.
        (dt.datetime(2026, 3, 9, 18, 0, 1, tzinfo=UTC), 24, "late"),
        # One minute earlier: 24 h 1 min, early.
        (dt.datetime(2026, 3, 9, 17, 59, tzinfo=UTC), 24, "early"),
        # A minute before the start with 48 h agreed: late.
        (dt.datetime(2026, 3, 10, 17, 59, tzinfo=UTC), 48, "late"),
        # No notice agreed: any time before the start is early.
        (dt.datetime(2026, 3, 10, 17, 59, 59, tzinfo=UTC), 0, "early"),
        # Same instant in another zone: 9 March 18:00 UTC is 13:00 in New York (EST, UTC−5).
        (dt.datetime(2026, 3, 9, 13, 0, tzinfo=ZoneInfo("America/New_York")), 24, "early"),
    ],
)
def test_cancellation_notice(cancelled_at: dt.datetime, notice_hours: int, expected: str) -> None:
    assert cancellation_notice(STARTS, cancelled_at, notice_hours) == expected


def test_notice_is_elapsed_time_across_dst() -> None:
    # Session Sun 29 March 18:00 BST = 17:00 UTC; cancelled Sat 28 March 18:00 GMT = 18:00 UTC.
    # The clock reads "24 hours before" (and Python's same-zone subtraction agrees) but only
    # 23 hours elapse (the night lost an hour): late.
    starts = dt.datetime(2026, 3, 29, 18, 0, tzinfo=LONDON)
    cancelled = dt.datetime(2026, 3, 28, 18, 0, tzinfo=LONDON)
    assert starts - cancelled == dt.timedelta(hours=24)  # wall clock: the trap
    assert starts.astimezone(UTC) - cancelled.astimezone(UTC) == dt.timedelta(hours=23)
    assert cancellation_notice(starts, cancelled, 24) == "late"
    assert cancellation_notice(starts, cancelled, 23) == "early"


def test_overrun_is_elapsed_time_across_dst() -> None:
    # 00:30 GMT (00:30 UTC) to 02:30 BST (01:30 UTC) on 29 March: 60 minutes elapsed, not the
    # 120 the wall clock shows; 60 − 50 = 10.
    start = dt.datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    end = dt.datetime(2026, 3, 29, 2, 30, tzinfo=LONDON)
    assert overrun_minutes(start, end, 50) == 10


def test_move_compares_instants_in_the_repeated_hour() -> None:
    # 25 October: the session is at the second 01:30 (fold=1, GMT = 01:30 UTC); "now" is the
    # first 01:45 (fold=0, BST = 00:45 UTC), 45 minutes before it. Same-zone comparison would
    # see 01:45 > 01:30 and call it started.
    old = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    now = dt.datetime(2026, 10, 25, 1, 45, fold=0, tzinfo=LONDON)
    check_move(old, old + dt.timedelta(days=7), now)  # raises InvalidInput if refused
    assert cancellation_notice(old, now, 0) == "early"


@pytest.mark.parametrize("cancelled_at", [STARTS, STARTS + dt.timedelta(minutes=5)])
def test_cancelling_a_started_session_is_refused(cancelled_at: dt.datetime) -> None:
    with pytest.raises(InvalidInput, match="record it as held or a no-show") as caught:
        cancellation_notice(STARTS, cancelled_at, 24)
    assert caught.value.code == "session_started"


def test_naive_datetimes_are_refused() -> None:
    naive = dt.datetime(2026, 3, 9, 18, 0)
    with pytest.raises(InvalidInput) as caught:
        cancellation_notice(STARTS, naive, 24)
    assert caught.value.code == "naive_datetime"
    with pytest.raises(InvalidInput) as caught:
        overrun_minutes(naive, naive + dt.timedelta(hours=1), 50)
    assert caught.value.code == "naive_datetime"
    with pytest.raises(InvalidInput) as caught:
        check_move(STARTS, STARTS + dt.timedelta(days=1), naive)
    assert caught.value.code == "naive_datetime"


@pytest.mark.parametrize("notice_hours", [-1, True, 1.5])
def test_invalid_notice_is_refused(notice_hours: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        cancellation_notice(STARTS, STARTS - dt.timedelta(days=2), notice_hours)
    assert caught.value.code == "invalid_notice"


@pytest.mark.parametrize(
    ("length", "agreed", "expected"),
    [
        (dt.timedelta(minutes=50), 50, 0),  # on time
        (dt.timedelta(minutes=40), 50, 0),  # ended early: no overrun, not negative
        (dt.timedelta(minutes=50, seconds=59), 50, 0),  # 59 s over rounds down to 0
        (dt.timedelta(minutes=51), 50, 1),
        (dt.timedelta(minutes=65, seconds=30), 50, 15),  # 15.5 min → 15
        (dt.timedelta(hours=8), 50, 430),  # the 8 h limit itself: 480 − 50
        (dt.timedelta(minutes=241), 240, 1),
    ],
)
def test_overrun_minutes(length: dt.timedelta, agreed: int, expected: int) -> None:
    assert overrun_minutes(STARTS, STARTS + length, agreed) == expected


@pytest.mark.parametrize(
    ("length", "agreed", "code"),
    [
        (dt.timedelta(0), 50, "session_times"),
        (dt.timedelta(minutes=-5), 50, "session_times"),
        (dt.timedelta(hours=8, seconds=1), 50, "session_too_long"),
        (dt.timedelta(minutes=50), 9, "invalid_minutes"),
        (dt.timedelta(minutes=50), 241, "invalid_minutes"),
    ],
)
def test_invalid_overrun_input_is_refused(length: dt.timedelta, agreed: int, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        overrun_minutes(STARTS, STARTS + length, agreed)
    assert caught.value.code == code


NOW = STARTS - dt.timedelta(hours=1)  # 10 March 17:00 UTC


@pytest.mark.parametrize(
    "new_starts_at",
    [
        STARTS + dt.timedelta(days=2),
        NOW + dt.timedelta(minutes=1),
        STARTS - dt.timedelta(minutes=30),
    ],
)
def test_move_to_a_future_time_is_allowed(new_starts_at: dt.datetime) -> None:
    check_move(STARTS, new_starts_at, NOW)  # raises InvalidInput if refused


@pytest.mark.parametrize(
    ("now", "new_starts_at", "code"),
    [
        (STARTS, STARTS + dt.timedelta(days=1), "session_started"),  # starts right now
        (STARTS + dt.timedelta(minutes=10), STARTS + dt.timedelta(days=1), "session_started"),
        (NOW, NOW, "session_in_past"),  # a new start at "now" would already have started
        (NOW, NOW - dt.timedelta(days=1), "session_in_past"),
    ],
)
def test_refused_moves(now: dt.datetime, new_starts_at: dt.datetime, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_move(STARTS, new_starts_at, now)
    assert caught.value.code == code
