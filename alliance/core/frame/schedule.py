"""The standing weekly slot of a frame agreement and the sessions it generates.

A frame agreement fixes a standing weekly slot (weekday, local start time, length, time zone).
Each accepted change is a new :class:`Standing` version that applies from its
``effective_from`` date until the next version's, so a change never rewrites sessions that the
earlier version already produced. Sessions are materialised only up to a rolling horizon
(:func:`horizon_end`).

Times are local wall-clock times in an IANA zone, resolved with the standard library's
``zoneinfo`` (its time-zone database is the only thing read here; no clock, no Django).
Daylight saving follows PEP 495 with ``fold=0``:

- a wall time that does not exist (the spring-forward gap) is read with the offset in force
  before the change, so the session moves forward by the length of the gap (18:00 is never
  affected; 01:30 on the night the clocks go from 01:00 to 02:00 becomes 02:30);
- a wall time that happens twice (fall back) takes the first occurrence.

The length is elapsed time: a session that spans a change still lasts its agreed minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alliance.core.errors import InvalidInput

MIN_MINUTES: Final = 10
MAX_MINUTES: Final = 240
DEFAULT_HORIZON_WEEKS: Final = 8
MAX_HORIZON_WEEKS: Final = 52
_WEEK: Final = dt.timedelta(weeks=1)


@dataclass(frozen=True)
class Standing:
    """One accepted version of the standing weekly slot.

    ``weekday`` is 0 (Monday) … 6 (Sunday); ``start`` is a naive local wall-clock time in
    ``time_zone`` (an IANA name such as ``"Europe/London"``); ``minutes`` is the session length,
    10…240; ``effective_from`` is the first local date the version applies to. ``key`` (the
    version's id) is passed through to each :class:`Occurrence`.
    """

    key: int
    weekday: int
    start: dt.time
    minutes: int
    time_zone: str
    effective_from: dt.date


@dataclass(frozen=True)
class Occurrence:
    """One session of the series: its local ``series_date`` and aware UTC start and end."""

    key: int
    series_date: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime


def horizon_end(today: dt.date, weeks: int = DEFAULT_HORIZON_WEEKS) -> dt.date:
    """The last date (inclusive) up to which sessions are materialised: ``today`` + ``weeks``.

    ``weeks`` is 1…52. Raises :class:`InvalidInput` (code ``invalid_horizon``) otherwise.
    """
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_HORIZON_WEEKS:
        raise InvalidInput(
            f"The horizon must be 1 to {MAX_HORIZON_WEEKS} weeks, not {weeks!r}.",
            code="invalid_horizon",
        )
    return today + weeks * _WEEK


def occurrences(
    versions: Sequence[Standing], window_start: dt.date, window_end: dt.date
) -> list[Occurrence]:
    """Every session of the series whose local date is in ``window_start``…``window_end``
    (both inclusive), sorted by ``starts_at``.

    ``versions`` may come in any order; each applies from its ``effective_from`` (inclusive) to
    the next version's (exclusive), its first session on the first matching weekday on or after
    ``effective_from``. Dates are local dates in each version's zone; DST is handled as in the
    module docstring. Raises :class:`InvalidInput` for an invalid version (codes
    ``invalid_weekday``, ``invalid_minutes``, ``invalid_start``, ``unknown_time_zone``), two
    versions with the same ``effective_from`` (``duplicate_effective_from``) or a window that
    ends before it starts (``invalid_window``).
    """
    if window_end < window_start:
        raise InvalidInput(
            f"The window ends ({window_end}) before it starts ({window_start}).",
            code="invalid_window",
        )
    ordered = _checked_versions(versions)
    found: list[Occurrence] = []
    for index, version in enumerate(ordered):
        last = window_end
        if index + 1 < len(ordered):
            last = min(last, ordered[index + 1].effective_from - dt.timedelta(days=1))
        first = max(window_start, version.effective_from)
        found.extend(_series(version, first, last))
    return sorted(found, key=lambda o: (o.starts_at, o.key))


def _series(version: Standing, first: dt.date, last: dt.date) -> list[Occurrence]:
    zone = ZoneInfo(version.time_zone)
    day = first + dt.timedelta(days=(version.weekday - first.weekday()) % 7)
    found = []
    while day <= last:
        # fold=0 (the default): first occurrence when ambiguous, moved forward when in a gap.
        local = dt.datetime.combine(day, version.start, tzinfo=zone)
        starts_at = local.astimezone(dt.UTC)
        ends_at = starts_at + dt.timedelta(minutes=version.minutes)
        found.append(Occurrence(version.key, day, starts_at, ends_at))
        day += _WEEK
    return found


def _checked_versions(versions: Sequence[Standing]) -> list[Standing]:
    seen: set[dt.date] = set()
    for version in versions:
        check_standing(version)
        if version.effective_from in seen:
            raise InvalidInput(
                f"Two versions of the standing slot start on {version.effective_from}.",
                code="duplicate_effective_from",
            )
        seen.add(version.effective_from)
    return sorted(versions, key=lambda v: v.effective_from)


def check_standing(version: Standing) -> None:
    """Raise :class:`InvalidInput` unless ``version`` is a valid standing slot.

    Codes: ``invalid_weekday`` (not 0…6), ``invalid_minutes`` (not 10…240), ``invalid_start``
    (``start`` carries a time zone: it must be a local wall-clock time) and
    ``unknown_time_zone`` (not an IANA name known to ``zoneinfo``).
    """
    if not _is_int_in(version.weekday, 0, 6):
        raise InvalidInput(
            f"The weekday must be 0 (Monday) to 6 (Sunday), not {version.weekday!r}.",
            code="invalid_weekday",
        )
    if not _is_int_in(version.minutes, MIN_MINUTES, MAX_MINUTES):
        raise InvalidInput(
            f"A session lasts {MIN_MINUTES} to {MAX_MINUTES} minutes, not {version.minutes!r}.",
            code="invalid_minutes",
        )
    if version.start.tzinfo is not None:
        raise InvalidInput(
            "The start time is a local wall-clock time; give it without a time zone.",
            code="invalid_start",
        )
    check_time_zone(version.time_zone)


def check_time_zone(name: str) -> None:
    """Raise :class:`InvalidInput` (code ``unknown_time_zone``) unless ``name`` is a known
    IANA time zone such as ``"Europe/London"``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        # ValueError: malformed keys ("", "../x"); OSError: a folder such as "Europe".
        raise InvalidInput(
            f"{name!r} is not a known time zone.", code="unknown_time_zone"
        ) from None


def _is_int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
