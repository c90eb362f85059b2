"""The standing weekly slot: occurrences, versions, window bounds, DST and validation.

DST facts used (IANA tz database): Europe/London 2026 springs forward Sun 29 March at 01:00 GMT
(to 02:00 BST, UTC+1) and falls back Sun 25 October at 02:00 BST (to 01:00 GMT, UTC+0).
America/New_York springs forward Sun 8 March 2026 at 02:00 EST (UTC−5, to 03:00 EDT, UTC−4)
and falls back Sun 1 November 2026 at 02:00 EDT (to 01:00 EST).
Calendar: 1 January 2026 is a Thursday, so 6/13/20/27 January, 3/10/17/24 February and
17/24/31 March 2026 are Tuesdays, and 1 March and 1 November 2026 are Sundays.
"""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.frame.schedule import (
    DEFAULT_HORIZON_WEEKS,
    Occurrence,
    Standing,
    horizon_end,
    occurrences,
)

UTC = dt.UTC
LONDON = "Europe/London"
NEW_YORK = "America/New_York"
TUE, THU, SUN = 1, 3, 6


def standing(
    weekday: int,
    hour: int,
    minute: int = 0,
    *,
    minutes: int = 50,
    zone: str = LONDON,
    effective_from: dt.date = dt.date(2026, 1, 1),
    key: int = 1,
) -> Standing:
    return Standing(key, weekday, dt.time(hour, minute), minutes, zone, effective_from)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def starts(found: list[Occurrence]) -> list[tuple[dt.date, dt.datetime]]:
    return [(o.series_date, o.starts_at) for o in found]


DST_TABLE = [
    pytest.param(
        # Tuesday 18:00 London: GMT (UTC+0) before 29 March, BST (UTC+1) after.
        standing(TUE, 18),
        (dt.date(2026, 3, 17), dt.date(2026, 3, 31)),
        [
            (dt.date(2026, 3, 17), utc(2026, 3, 17, 18)),
            (dt.date(2026, 3, 24), utc(2026, 3, 24, 18)),
            (dt.date(2026, 3, 31), utc(2026, 3, 31, 17)),  # 18:00 BST = 17:00 UTC
        ],
        id="london-spring-forward-evening",
    ),
    pytest.param(
        # Sunday 01:30 London: 01:30 does not exist on 29 March (01:00 GMT → 02:00 BST). Read
        # with the pre-change offset (GMT) it is 01:30 UTC = 02:30 BST: moved forward by the
        # 1-hour gap. 5 April is BST: 01:30 BST = 00:30 UTC.
        standing(SUN, 1, 30),
        (dt.date(2026, 3, 22), dt.date(2026, 4, 5)),
        [
            (dt.date(2026, 3, 22), utc(2026, 3, 22, 1, 30)),
            (dt.date(2026, 3, 29), utc(2026, 3, 29, 1, 30)),
            (dt.date(2026, 4, 5), utc(2026, 4, 5, 0, 30)),
        ],
        id="london-spring-forward-gap",
    ),
    pytest.param(
        # Sunday 01:30 London: 25 October has 01:30 twice; the first is BST (UTC+1) = 00:30
        # UTC. 1 November is GMT: 01:30 UTC.
        standing(SUN, 1, 30),
        (dt.date(2026, 10, 18), dt.date(2026, 11, 1)),
        [
            (dt.date(2026, 10, 18), utc(2026, 10, 18, 0, 30)),
            (dt.date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
            (dt.date(2026, 11, 1), utc(2026, 11, 1, 1, 30)),
        ],
        id="london-fall-back-ambiguous",
    ),
    pytest.param(
        # Sunday 02:30 New York: does not exist on 8 March (02:00 EST → 03:00 EDT). With EST
        # (UTC−5) it is 07:30 UTC = 03:30 EDT. 1 March EST: 07:30 UTC; 15 March EDT: 06:30 UTC.
        standing(SUN, 2, 30, zone=NEW_YORK),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 15)),
        [
            (dt.date(2026, 3, 1), utc(2026, 3, 1, 7, 30)),
            (dt.date(2026, 3, 8), utc(2026, 3, 8, 7, 30)),
            (dt.date(2026, 3, 15), utc(2026, 3, 15, 6, 30)),
        ],
        id="new-york-spring-forward-gap",
    ),
    pytest.param(
        # Sunday 01:30 New York: 1 November has 01:30 twice; the first is EDT (UTC−4) = 05:30
        # UTC. 25 October EDT: 05:30 UTC; 8 November EST (UTC−5): 06:30 UTC.
        standing(SUN, 1, 30, zone=NEW_YORK),
        (dt.date(2026, 10, 25), dt.date(2026, 11, 8)),
        [
            (dt.date(2026, 10, 25), utc(2026, 10, 25, 5, 30)),
            (dt.date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
            (dt.date(2026, 11, 8), utc(2026, 11, 8, 6, 30)),
        ],
        id="new-york-fall-back-ambiguous",
    ),
]


@pytest.mark.parametrize(("version", "window", "expected"), DST_TABLE)
def test_occurrences_across_dst(
    version: Standing, window: tuple[dt.date, dt.date], expected: list[tuple[dt.date, dt.datetime]]
) -> None:
    found = occurrences([version], *window)
    assert starts(found) == expected
    assert all(o.ends_at - o.starts_at == dt.timedelta(minutes=50) for o in found)
    assert all(o.starts_at.utcoffset() == dt.timedelta(0) for o in found)


def test_length_is_elapsed_time_across_the_change() -> None:
    # Sunday 00:30 GMT for 90 minutes on 29 March: starts 00:30 UTC, ends 02:00 UTC, which the
    # London clock shows as 03:00 BST (wall-clock 2 h 30 min, elapsed 90 min).
    [found] = occurrences(
        [standing(SUN, 0, 30, minutes=90)], dt.date(2026, 3, 29), dt.date(2026, 3, 29)
    )
    assert found.starts_at == utc(2026, 3, 29, 0, 30)
    assert found.ends_at == utc(2026, 3, 29, 2, 0)


def test_version_change_mid_window_continues_on_the_new_weekday() -> None:
    # v1 Tuesday 18:00 from 6 Jan; v2 Thursday 17:00 from Thu 12 Feb (both GMT = UTC).
    old = standing(TUE, 18, effective_from=dt.date(2026, 1, 6), key=1)
    new = standing(THU, 17, effective_from=dt.date(2026, 2, 12), key=2)
    window = (dt.date(2026, 1, 27), dt.date(2026, 2, 26))
    found = occurrences([new, old], *window)  # any order
    assert [(o.key, o.series_date, o.starts_at) for o in found] == [
        (1, dt.date(2026, 1, 27), utc(2026, 1, 27, 18)),
        (1, dt.date(2026, 2, 3), utc(2026, 2, 3, 18)),
        (1, dt.date(2026, 2, 10), utc(2026, 2, 10, 18)),
        (2, dt.date(2026, 2, 12), utc(2026, 2, 12, 17)),
        (2, dt.date(2026, 2, 19), utc(2026, 2, 19, 17)),
        (2, dt.date(2026, 2, 26), utc(2026, 2, 26, 17)),
    ]
    # The old version's sessions before the change are exactly what it produced on its own.
    before_change = occurrences([old], dt.date(2026, 1, 27), dt.date(2026, 2, 11))
    assert found[:3] == before_change


def test_new_version_replaces_the_old_weekday_from_its_effective_date() -> None:
    # v2 takes effect Monday 9 Feb, so v1's Tuesday 10 Feb is not a session; v2's first
    # Thursday on or after 9 Feb is 12 Feb.
    old = standing(TUE, 18, effective_from=dt.date(2026, 1, 6), key=1)
    new = standing(THU, 17, effective_from=dt.date(2026, 2, 9), key=2)
    found = occurrences([old, new], dt.date(2026, 2, 1), dt.date(2026, 2, 15))
    assert [(o.key, o.series_date) for o in found] == [
        (1, dt.date(2026, 2, 3)),
        (2, dt.date(2026, 2, 12)),
    ]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # Both ends are Tuesdays and both are included.
        ((dt.date(2026, 2, 3), dt.date(2026, 2, 17)), [3, 10, 17]),
        # One day inside each end: only Tuesday 10 Feb.
        ((dt.date(2026, 2, 4), dt.date(2026, 2, 16)), [10]),
        # A one-day window on a Tuesday.
        ((dt.date(2026, 2, 10), dt.date(2026, 2, 10)), [10]),
        # Wednesday to Monday: no Tuesday.
        ((dt.date(2026, 2, 11), dt.date(2026, 2, 16)), []),
    ],
)
def test_window_bounds_are_inclusive(window: tuple[dt.date, dt.date], expected: list[int]) -> None:
    found = occurrences([standing(TUE, 18)], *window)
    assert [o.series_date for o in found] == [dt.date(2026, 2, day) for day in expected]


def test_nothing_before_the_first_version_and_sorted_by_start() -> None:
    # Only one version, effective Thursday 12 Feb: nothing in the window before it.
    found = occurrences(
        [standing(THU, 17, effective_from=dt.date(2026, 2, 12))],
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 20),
    )
    assert [o.series_date for o in found] == [dt.date(2026, 2, 12), dt.date(2026, 2, 19)]
    assert occurrences([], dt.date(2026, 2, 1), dt.date(2026, 2, 20)) == []


def test_weekday_and_start_are_local_to_the_version_zone() -> None:
    # Monday 09:00 New York: 2 March is EST (14:00 UTC), 9 March EDT (13:00 UTC).
    found = occurrences([standing(0, 9, zone=NEW_YORK)], dt.date(2026, 3, 2), dt.date(2026, 3, 9))
    assert starts(found) == [
        (dt.date(2026, 3, 2), utc(2026, 3, 2, 14)),
        (dt.date(2026, 3, 9), utc(2026, 3, 9, 13)),
    ]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"weekday": 7}, "invalid_weekday"),
        ({"weekday": -1}, "invalid_weekday"),
        ({"weekday": True}, "invalid_weekday"),
        ({"minutes": 9}, "invalid_minutes"),
        ({"minutes": 241}, "invalid_minutes"),
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown_time_zone"),
        ({"time_zone": ""}, "unknown_time_zone"),
        ({"time_zone": "Europe"}, "unknown_time_zone"),
        ({"time_zone": "../etc/passwd"}, "unknown_time_zone"),
        ({"start": dt.time(18, 0, tzinfo=UTC)}, "invalid_start"),
    ],
)
def test_invalid_version_is_refused(change: dict[str, object], code: str) -> None:
    fields = {
        "key": 1,
        "weekday": TUE,
        "start": dt.time(18),
        "minutes": 50,
        "time_zone": LONDON,
        "effective_from": dt.date(2026, 1, 6),
    }
    version = Standing(**{**fields, **change})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as caught:
        occurrences([version], dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert caught.value.code == code


def test_unknown_time_zone_message_names_it() -> None:
    with pytest.raises(InvalidInput, match="'Mars/Olympus_Mons' is not a known time zone"):
        occurrences(
            [standing(TUE, 18, zone="Mars/Olympus_Mons")], dt.date(2026, 1, 1), dt.date(2026, 1, 8)
        )


@pytest.mark.parametrize("minutes", [10, 240])
def test_length_bounds_are_inclusive(minutes: int) -> None:
    [found] = occurrences(
        [standing(TUE, 18, minutes=minutes)], dt.date(2026, 2, 3), dt.date(2026, 2, 3)
    )
    assert found.ends_at - found.starts_at == dt.timedelta(minutes=minutes)


def test_two_versions_on_the_same_date_are_refused() -> None:
    day = dt.date(2026, 2, 12)
    versions = [
        standing(TUE, 18, effective_from=day, key=1),
        standing(THU, 17, effective_from=day, key=2),
    ]
    with pytest.raises(InvalidInput) as caught:
        occurrences(versions, dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert caught.value.code == "duplicate_effective_from"


def test_reversed_window_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        occurrences([standing(TUE, 18)], dt.date(2026, 2, 10), dt.date(2026, 2, 9))
    assert caught.value.code == "invalid_window"


@pytest.mark.parametrize(
    ("today", "weeks", "expected"),
    [
        # 8 weeks = 56 days: 2 March + 29 days = 31 March, + 27 days = 27 April.
        (dt.date(2026, 3, 2), DEFAULT_HORIZON_WEEKS, dt.date(2026, 4, 27)),
        (dt.date(2026, 3, 2), 1, dt.date(2026, 3, 9)),
        # Across the year end: 28 December + 14 days = 11 January.
        (dt.date(2026, 12, 28), 2, dt.date(2027, 1, 11)),
    ],
)
def test_horizon_end(today: dt.date, weeks: int, expected: dt.date) -> None:
    assert horizon_end(today, weeks) == expected


def test_default_horizon_is_eight_weeks() -> None:
    assert DEFAULT_HORIZON_WEEKS == 8
    assert horizon_end(dt.date(2026, 3, 2)) == dt.date(2026, 4, 27)


@pytest.mark.parametrize("weeks", [0, -1, 53, True])
def test_invalid_horizon_is_refused(weeks: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        horizon_end(dt.date(2026, 3, 2), weeks)
    assert caught.value.code == "invalid_horizon"
