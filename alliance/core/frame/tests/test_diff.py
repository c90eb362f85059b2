"""Frame diffs: changed fields in label order, rendered for display."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from alliance.core.frame.diff import Change, frame_diff, render

LABELS = {
    "weekday": "Day",
    "start": "Start time",
    "minutes": "Length (minutes)",
    "online": "Online",
    "notes": "Notes",
}
BEFORE = {
    "weekday": "Tuesday",
    "start": dt.time(18, 0),
    "minutes": 50,
    "online": False,
    "notes": None,
}


def test_changed_fields_in_label_order() -> None:
    after = {
        "notes": "",  # None → "" renders "—" both times: not a change
        "online": True,
        "minutes": 50,
        "start": dt.time(17, 30),
        "weekday": "Thursday",
    }
    assert frame_diff(BEFORE, after, LABELS) == [
        Change("weekday", "Day", "Tuesday", "Thursday"),
        Change("start", "Start time", "18:00", "17:30"),
        Change("online", "Online", "No", "Yes"),
    ]


def test_first_version_lists_every_non_empty_field() -> None:
    after = {**BEFORE, "notes": ""}
    assert frame_diff(None, after, LABELS) == [
        Change("weekday", "Day", "—", "Tuesday"),
        Change("start", "Start time", "—", "18:00"),
        Change("minutes", "Length (minutes)", "—", "50"),
        Change("online", "Online", "—", "No"),  # False is a value, not empty
    ]


def test_missing_field_counts_as_empty_and_unlabelled_fields_are_ignored() -> None:
    after = {**BEFORE, "notes": "Fee reviewed in April", "room": "2"}
    del after["minutes"]
    assert frame_diff(BEFORE, after, LABELS) == [
        Change("minutes", "Length (minutes)", "50", "—"),
        Change("notes", "Notes", "—", "Fee reviewed in April"),
    ]


def test_no_change_gives_an_empty_list() -> None:
    assert frame_diff(BEFORE, dict(BEFORE), LABELS) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "—"),
        ("", "—"),
        (True, "Yes"),
        (False, "No"),
        (dt.time(9, 5), "09:05"),
        (0, "0"),  # zero is a value, not empty
        (Decimal("12.50"), "12.50"),
        (dt.date(2026, 3, 10), "2026-03-10"),
    ],
)
def test_render(value: object, expected: str) -> None:
    assert render(value) == expected
