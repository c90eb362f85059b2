"""A small clinic for matching tests: therapists with profiles and slots, and clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alliance.accounts.models import Clinic, User
from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.matching.actions import do_save_intake
from alliance.matching.models import Intake
from tests.factories import make_client, make_clinic, make_therapist

INTAKE = {
    "concerns": ["anxiety"],
    "languages": ["en"],
    "format": "online",
    "city": "Pune",
    "max_fee": 2000,
    "times": [{"weekday": 3, "from": "17:00", "to": "21:00"}],
    "styles": ["supportive"],
    "professions": [],
    "therapist_gender": "",
}


def therapist(
    clinic: Clinic,
    *,
    fee: int = 1500,
    slots: tuple[tuple[int, str], ...] = ((3, "18:00"),),
    **profile: Any,
) -> TherapistProfile:
    user = make_therapist(clinic=clinic)
    record = TherapistProfile.objects.get(user=user)
    StandingSlot.objects.filter(therapist=record).delete()
    defaults = {
        "fee": fee,
        "languages": ["en"],
        "formats": ["online"],
        "concerns": ["anxiety"],
        "styles": ["supportive"],
        "capacity": 2,
        "accepting": True,
        "city": "Pune",
    }
    for key, value in {**defaults, **profile}.items():
        setattr(record, key, value)
    record.save()
    for weekday, start in slots:
        StandingSlot.objects.create(
            therapist=record, weekday=weekday, start=dt.time.fromisoformat(start), minutes=50
        )
    return record


def submitted_intake(client: User, **changes: Any) -> Intake:
    return do_save_intake(client, fields={**INTAKE, **changes}, exclude=[], submit=True)


def clinic_with_client() -> tuple[Clinic, User]:
    clinic = make_clinic()
    return clinic, make_client(clinic=clinic)
