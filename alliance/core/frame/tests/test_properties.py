"""Invariants of the standing-slot series, checked with hypothesis."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from alliance.core.frame.schedule import Standing, occurrences

ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC")
WINDOW = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@st.composite
def versions(draw: st.DrawFn) -> list[Standing]:
    days = draw(st.lists(st.integers(0, 400), min_size=1, max_size=4, unique=True))
    return [
        Standing(
            key=index,
            weekday=draw(st.integers(0, 6)),
            # Whole hours 06:00–22:00 plus minutes: never inside a DST gap in these zones.
            start=dt.time(draw(st.integers(6, 22)), draw(st.sampled_from([0, 15, 30, 45]))),
            minutes=draw(st.integers(10, 240)),
            time_zone=draw(st.sampled_from(ZONES)),
            effective_from=dt.date(2025, 12, 1) + dt.timedelta(days=day),
        )
        for index, day in enumerate(days)
    ]


@given(versions(), st.data())
def test_order_of_versions_does_not_matter(series: list[Standing], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(series))
    assert occurrences(shuffled, *WINDOW) == occurrences(series, *WINDOW)


@given(versions())
def test_each_occurrence_follows_its_version(series: list[Standing]) -> None:
    by_key = {version.key: version for version in series}
    found = occurrences(series, *WINDOW)
    assert [o.starts_at for o in found] == sorted(o.starts_at for o in found)
    for occurrence in found:
        version = by_key[occurrence.key]
        local = occurrence.starts_at.astimezone(ZoneInfo(version.time_zone))
        assert WINDOW[0] <= occurrence.series_date <= WINDOW[1]
        assert occurrence.series_date >= version.effective_from
        assert (local.date(), local.time()) == (occurrence.series_date, version.start)
        assert local.weekday() == version.weekday
        assert occurrence.ends_at - occurrence.starts_at == dt.timedelta(minutes=version.minutes)
    later = [v.effective_from for v in series]
    for occurrence in found:
        # No later version has taken effect by the occurrence's date.
        own = by_key[occurrence.key].effective_from
        assert not [day for day in later if own < day <= occurrence.series_date]
