"""Tests for core.matching. Factories for records live here: every field has a plain default
that passes every hard constraint against the default intake, so a test states only what it
is about."""

from __future__ import annotations

from typing import Any

from alliance.core.matching.records import Intake, Slot, Therapist, TimeWindow

# Thursday 17:00-21:00: the default intake's one window.
THURSDAY = 3


def make_therapist(**overrides: Any) -> Therapist:
    """An online-and-in-person Pune therapist, fee 1500, free Thursday 18:00 for 50 minutes."""
    fields: dict[str, Any] = {
        "id": "t1",
        "profession": "counselling_psychologist",
        "styles": ("supportive",),
        "approaches": ("cbt",),
        "concerns": ("anxiety", "sleep"),
        "languages": ("en",),
        "formats": ("online", "in_person"),
        "city": "Pune",
        "fee": 1500.0,
        "sliding_scale_min": None,
        "gender": "female",
        "slots": (Slot(THURSDAY, "18:00", 50),),
        "capacity": 1,
        "accepting": True,
    }
    fields.update(overrides)
    return Therapist(**fields)


def make_intake(**overrides: Any) -> Intake:
    """English, either format in Pune, up to 2000, Thursday 17:00-21:00, no preferences."""
    fields: dict[str, Any] = {
        "id": "c1",
        "concerns": ("anxiety", "sleep"),
        "languages": ("en",),
        "format": "either",
        "city": "Pune",
        "max_fee": 2000.0,
        "times": (TimeWindow(THURSDAY, "17:00", "21:00"),),
        "styles": (),
        "professions": (),
        "therapist_gender": None,
        "exclude": (),
        "phq9": None,
        "gad7": None,
    }
    fields.update(overrides)
    return Intake(**fields)
