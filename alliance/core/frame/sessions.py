"""Rules for single sessions of a frame agreement: cancellation notice, overrun and moves.

All datetimes are aware, in any zone, and are compared as instants (elapsed time, so a night
that loses an hour to DST counts 23 hours). The caller passes ``now``: nothing
here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

from alliance.core.errors import InvalidInput
from alliance.core.frame.schedule import MAX_MINUTES, MIN_MINUTES

Notice = Literal["early", "late"]
EARLY: Final = "early"
LATE: Final = "late"
# Longer than this is a data-entry slip (a wrong date or am/pm), not a session.
MAX_SESSION: Final = dt.timedelta(hours=8)
_MINUTE: Final = dt.timedelta(minutes=1)


def cancellation_notice(
    starts_at: dt.datetime, cancelled_at: dt.datetime, notice_hours: int
) -> Notice:
    """``"early"`` if the session was cancelled at least ``notice_hours`` hours (elapsed time,
    ≥ 0) before it starts — exactly ``notice_hours`` before counts as early — else ``"late"``.

    Raises :class:`InvalidInput`: ``session_started`` when ``cancelled_at`` is at or after
    ``starts_at``, ``naive_datetime`` for a naive datetime, ``invalid_notice`` for a negative
    or non-integer ``notice_hours``.
    """
    starts_at, cancelled_at = _as_utc(starts_at=starts_at, cancelled_at=cancelled_at)
    if isinstance(notice_hours, bool) or not isinstance(notice_hours, int) or notice_hours < 0:
        raise InvalidInput(
            f"The notice period must be a whole number of hours, 0 or more, not {notice_hours!r}.",
            code="invalid_notice",
        )
    if cancelled_at >= starts_at:
        raise _started()
    return EARLY if starts_at - cancelled_at >= dt.timedelta(hours=notice_hours) else LATE


def overrun_minutes(actual_start: dt.datetime, actual_end: dt.datetime, agreed_minutes: int) -> int:
    """Whole minutes (rounded down) by which a held session ran past ``agreed_minutes``
    (10…240); 0 when it kept to time or ended early.

    Raises :class:`InvalidInput`: ``session_times`` when ``actual_end`` is not after
    ``actual_start``, ``session_too_long`` for more than 8 hours, ``invalid_minutes`` for an
    agreed length outside 10…240, ``naive_datetime`` for a naive datetime.
    """
    actual_start, actual_end = _as_utc(actual_start=actual_start, actual_end=actual_end)
    if isinstance(agreed_minutes, bool) or not isinstance(agreed_minutes, int):
        raise _bad_minutes(agreed_minutes)
    if not MIN_MINUTES <= agreed_minutes <= MAX_MINUTES:
        raise _bad_minutes(agreed_minutes)
    length = actual_end - actual_start
    if length <= dt.timedelta(0):
        raise InvalidInput("The session must end after it starts.", code="session_times")
    if length > MAX_SESSION:
        raise InvalidInput(
            "A session longer than 8 hours is probably a typing slip; check the times.",
            code="session_too_long",
        )
    return max(0, (length - agreed_minutes * _MINUTE) // _MINUTE)


def check_move(old_starts_at: dt.datetime, new_starts_at: dt.datetime, now: dt.datetime) -> None:
    """Refuse moving a session that has started or moving it to a time not after ``now``.

    A session has started once ``now`` reaches ``old_starts_at`` (code ``session_started``); the
    new start must be strictly after ``now`` (code ``session_in_past``). Naive datetimes raise
    ``naive_datetime``. All errors are :class:`InvalidInput`.
    """
    old_starts_at, new_starts_at, now = _as_utc(
        old_starts_at=old_starts_at, new_starts_at=new_starts_at, now=now
    )
    if now >= old_starts_at:
        raise _started()
    if new_starts_at <= now:
        raise InvalidInput("A session can't be moved into the past.", code="session_in_past")


def _started() -> InvalidInput:
    return InvalidInput(
        "This session has already started; record it as held or a no-show instead.",
        code="session_started",
    )


def _bad_minutes(value: object) -> InvalidInput:
    return InvalidInput(
        f"A session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes, not {value!r}.",
        code="invalid_minutes",
    )


def _as_utc(**values: dt.datetime) -> list[dt.datetime]:
    # Python subtracts and compares two datetimes that share a tzinfo by wall clock, ignoring
    # DST; in UTC the arithmetic is elapsed time.
    converted = []
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput(
                f"{name} must carry a time zone (an aware datetime).", code="naive_datetime"
            )
        converted.append(value.astimezone(dt.UTC))
    return converted
