"""Hard constraints, one table per rule; each rule exactly as issue 4 states it."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.core.matching.constraints import check_hard_constraints, fitting_slots, slot_margin
from alliance.core.matching.records import Slot, TimeWindow
from alliance.core.matching.tests import THURSDAY, make_intake, make_therapist

WINDOW = TimeWindow(THURSDAY, "17:00", "21:00")


def test_default_pair_passes_everything() -> None:
    assert check_hard_constraints(make_therapist(), make_intake()) == ()


# Issue 4: "A slot fits a time window when it starts at or after `from` and ends at or before
# `to` on the same weekday." Window: Thursday 17:00-21:00 (1020-1260 minutes).
@pytest.mark.parametrize(
    ("slot", "fits", "margin"),
    [
        (Slot(THURSDAY, "17:00", 50), True, 0),  # starts exactly at `from`
        (Slot(THURSDAY, "16:59", 50), False, -1),  # starts one minute before `from`
        (Slot(THURSDAY, "20:10", 50), True, 0),  # ends exactly at `to` (20:10 + 50 = 21:00)
        (Slot(THURSDAY, "20:11", 50), False, -1),  # ends one minute after `to`
        (Slot(THURSDAY, "17:00", 180), True, 0),  # 17:00-20:00
        (Slot(THURSDAY, "18:00", 60), True, 60),  # min(18:00-17:00, 21:00-19:00) = 60
        (Slot(THURSDAY, "20:00", 50), True, 10),  # min(180, 21:00-20:50) = 10
        (Slot(THURSDAY + 1, "18:00", 50), False, -1),  # same time, other weekday
        (Slot(THURSDAY - 1, "18:00", 50), False, -1),
    ],
)
def test_slot_window_rule(slot: Slot, fits: bool, margin: int) -> None:
    therapist = make_therapist(slots=(slot,))
    intake = make_intake(times=(WINDOW,))
    assert fitting_slots(therapist, intake) == ((slot,) if fits else ())
    assert slot_margin(slot, intake) == margin
    reasons = check_hard_constraints(therapist, intake)
    assert reasons == (() if fits else ("no free slot inside your available times",))


def test_slot_margin_takes_the_best_window() -> None:
    slot = Slot(THURSDAY, "18:00", 60)
    intake = make_intake(times=(TimeWindow(THURSDAY, "17:30", "19:00"), WINDOW))
    # 17:30-19:00 gives min(30, 0) = 0; 17:00-21:00 gives min(60, 120) = 60.
    assert slot_margin(slot, intake) == 60


def test_window_up_to_midnight_takes_a_slot_ending_at_midnight() -> None:
    slot = Slot(6, "23:00", 60)
    intake = make_intake(times=(TimeWindow(6, "22:00", "24:00"),))
    assert fitting_slots(make_therapist(slots=(slot,)), intake) == (slot,)


def test_no_windows_or_no_slots_fail() -> None:
    assert check_hard_constraints(make_therapist(), make_intake(times=())) == (
        "no free slot inside your available times",
    )
    assert check_hard_constraints(make_therapist(slots=()), make_intake()) == (
        "no free slot inside your available times",
    )


# Issue 4: "The fee fits when fee <= max_fee or sliding_scale_min <= max_fee."
@pytest.mark.parametrize(
    ("fee", "sliding", "max_fee", "reason"),
    [
        (2000.0, None, 2000.0, None),  # equal to the maximum fits
        (2000.01, None, 2000.0, "fee 2000.01 is above your maximum 2000"),
        (2500.0, None, 2000.0, "fee 2500 is above your maximum 2000"),
        (2500.0, 2000.0, 2000.0, None),  # the sliding-scale minimum counts
        (2500.0, 1500.0, 2000.0, None),
        (2500.0, 2100.0, 2000.0, "fee 2500 (sliding scale from 2100) is above your maximum 2000"),
        (0.0, None, 0.0, None),  # free sessions for someone who can pay nothing
    ],
)
def test_fee_rule(fee: float, sliding: float | None, max_fee: float, reason: str | None) -> None:
    therapist = make_therapist(fee=fee, sliding_scale_min=sliding)
    expected = () if reason is None else (reason,)
    assert check_hard_constraints(therapist, make_intake(max_fee=max_fee)) == expected


# Issue 4: "In person requires the same city (case-insensitive); 'either' accepts online, or in
# person in the city."
@pytest.mark.parametrize(
    ("formats", "city", "client_format", "client_city", "reason"),
    [
        (("online",), "", "online", "", None),
        (("in_person",), "Pune", "online", "Pune", "does not offer online sessions"),
        (("in_person",), "Pune", "in_person", "Pune", None),
        (("in_person",), "Pune", "in_person", "PUNE", None),  # case-insensitive
        (("in_person",), " pune ", "in_person", "Pune", None),  # surrounding spaces ignored
        (("in_person",), "Pune", "in_person", "Mumbai", "sees clients in person only in Pune"),
        (("online",), "", "in_person", "Pune", "does not offer in-person sessions"),
        (("online",), "", "either", "Pune", None),  # either: online is enough
        (("online",), "", "either", "", None),
        (("in_person",), "Pune", "either", "pune", None),  # either: in person in the city
        (
            ("in_person",),
            "Pune",
            "either",
            "Mumbai",
            "does not offer online sessions and sees clients in person only in Pune",
        ),
        (
            ("in_person",),
            "Pune",
            "either",
            "",
            "does not offer online sessions and sees clients in person only in Pune",
        ),
    ],
)
def test_format_and_city_rule(
    formats: tuple[str, ...], city: str, client_format: str, client_city: str, reason: str | None
) -> None:
    therapist = make_therapist(formats=formats, city=city)
    intake = make_intake(format=client_format, city=client_city)
    expected = () if reason is None else (reason,)
    assert check_hard_constraints(therapist, intake) == expected


@pytest.mark.parametrize(
    ("therapist_languages", "client_languages", "passes"),
    [
        (("en",), ("en",), True),
        (("en", "hi"), ("hi",), True),
        (("ta",), ("hi", "ta"), True),
        (("ta",), ("hi", "en"), False),
    ],
)
def test_language_rule(
    therapist_languages: tuple[str, ...], client_languages: tuple[str, ...], passes: bool
) -> None:
    therapist = make_therapist(languages=therapist_languages)
    reasons = check_hard_constraints(therapist, make_intake(languages=client_languages))
    assert reasons == (() if passes else ("no shared language",))


@pytest.mark.parametrize(
    ("overrides", "intake_overrides", "reason"),
    [
        ({"capacity": 0}, {}, "no open places"),
        ({"accepting": False}, {}, "not accepting new clients"),
        ({}, {"exclude": ("t1",)}, "you asked not to be matched with this therapist"),
        ({}, {"exclude": ("t2", "T1")}, None),  # ids are exact
    ],
)
def test_capacity_accepting_and_exclusion(
    overrides: dict[str, Any], intake_overrides: dict[str, Any], reason: str | None
) -> None:
    therapist = make_therapist(**overrides)
    expected = () if reason is None else (reason,)
    assert check_hard_constraints(therapist, make_intake(**intake_overrides)) == expected


def test_every_failure_is_listed_in_a_fixed_order() -> None:
    therapist = make_therapist(
        capacity=0,
        accepting=False,
        languages=("ta",),
        formats=("in_person",),
        city="Chennai",
        fee=3000.0,
        slots=(Slot(0, "09:00", 50),),
    )
    intake = make_intake(format="online", exclude=("t1",))
    assert check_hard_constraints(therapist, intake) == (
        "you asked not to be matched with this therapist",
        "not accepting new clients",
        "no open places",
        "no shared language",
        "does not offer online sessions",
        "fee 3000 is above your maximum 2000",
        "no free slot inside your available times",
    )
