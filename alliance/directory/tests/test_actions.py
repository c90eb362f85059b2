"""The profile and slot actions: validation, permissions, atomicity and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.audit.models import AuditEvent
from alliance.core.errors import InvalidInput, PermissionDenied
from alliance.directory.actions import (
    WeeklySlot,
    do_replace_standing_slots,
    do_update_therapist_profile,
)
from alliance.directory.models import StandingSlot, TherapistProfile
from tests.factories import make_client, make_clinic, make_staff, make_therapist


def _profile() -> TherapistProfile:
    return TherapistProfile.objects.get(user=make_therapist())


def _slot(weekday: int, hhmm: str, minutes: int = 50) -> WeeklySlot:
    return WeeklySlot(weekday, dt.time.fromisoformat(hhmm), minutes)


def test_update_stores_values_and_audits_field_names_only(db: None) -> None:
    profile = _profile()
    do_update_therapist_profile(
        profile.user,
        profile=profile,
        fee=2200,
        sliding_scale_min=1000,
        bio="Secret-ish words",
        languages=["hi", "en", "hi"],
        city="Pune",  # unchanged fields are not reported
        capacity=2,
    )
    profile.refresh_from_db()
    assert (profile.fee, profile.sliding_scale_min, profile.languages) == (2200, 1000, ["hi", "en"])
    event = AuditEvent.objects.get(action="directory.profile.updated")
    assert event.actor == profile.user and event.object_id == str(profile.pk)
    assert event.data == {
        "fee": True,
        "sliding_scale_min": True,
        "bio": True,
        "languages": True,
        "city": True,
    }
    assert "2200" not in str(event.data) and "Secret" not in str(event.data)


def test_nothing_changed_writes_no_event(db: None) -> None:
    profile = _profile()
    do_update_therapist_profile(profile.user, profile=profile, fee=profile.fee)
    assert not AuditEvent.objects.filter(action="directory.profile.updated").exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"concerns": ["anxiety", "astrology"]}, "concerns_invalid"),
        ({"styles": ["bossy"]}, "styles_invalid"),
        ({"profession": "shaman"}, "profession_invalid"),
        ({"gender": "unknown"}, "gender_invalid"),
        ({"fee": -1}, "fee_invalid"),
        ({"fee": "1500"}, "fee_invalid"),
        ({"fee": True}, "fee_invalid"),
        ({"fee": 1000, "sliding_scale_min": 1200}, "sliding_scale_min_invalid"),
        ({"sliding_scale_min": 1501}, "sliding_scale_min_invalid"),  # the fee is 1500
        ({"formats": ["in_person"], "city": ""}, "city_invalid"),
        ({"time_zone": "Mars/Olympus"}, "time_zone_invalid"),
        ({"capacity": 501}, "capacity_invalid"),
        ({"listed": "yes"}, "listed_invalid"),
        ({"currency": "RUPEES"}, "currency_invalid"),
        ({"user": 1}, "invalid"),
    ],
)
def test_bad_values_are_refused_and_nothing_stored(
    db: None, fields: dict[str, object], code: str
) -> None:
    profile = _profile()
    before = TherapistProfile.objects.filter(pk=profile.pk).values().get()
    with pytest.raises(InvalidInput) as caught:
        do_update_therapist_profile(profile.user, profile=profile, **fields)
    assert caught.value.code == code
    assert TherapistProfile.objects.filter(pk=profile.pk).values().get() == before
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_staff_of_the_clinic_may_edit_others_may_not(db: None) -> None:
    clinic = make_clinic()
    profile = TherapistProfile.objects.get(user=make_therapist(clinic=clinic))
    do_update_therapist_profile(make_staff(clinic=clinic), profile=profile, capacity=4)
    for outsider in [make_staff(), make_therapist(clinic=clinic), make_client(clinic=clinic)]:
        with pytest.raises(PermissionDenied):
            do_update_therapist_profile(outsider, profile=profile, capacity=5)
        with pytest.raises(PermissionDenied):
            do_replace_standing_slots(outsider, profile=profile, slots=[])
    profile.refresh_from_db()
    assert profile.capacity == 4


def test_replace_slots_keeps_unchanged_slots_and_audits_counts(db: None) -> None:
    profile = _profile()
    kept = profile.slots.get()
    slots = do_replace_standing_slots(
        profile.user,
        profile=profile,
        slots=[_slot(3, "18:00"), _slot(0, "09:00", 60), _slot(0, "10:00")],
    )
    assert [(s.weekday, f"{s.start:%H:%M}", s.minutes) for s in slots] == [
        (0, "09:00", 60),
        (0, "10:00", 50),
        (3, "18:00", 50),
    ]
    assert profile.slots.filter(pk=kept.pk).exists()
    event = AuditEvent.objects.get(action="directory.slots.replaced")
    assert event.data == {"n_added": 2, "n_removed": 0, "n_kept": 1}
    do_replace_standing_slots(profile.user, profile=profile, slots=[_slot(0, "09:00", 60)])
    assert profile.slots.count() == 1
    assert AuditEvent.objects.filter(action="directory.slots.replaced").count() == 2


@pytest.mark.parametrize(
    ("slots", "code", "words"),
    [
        ([_slot(0, "09:00"), _slot(0, "09:30")], "slots_overlap", "overlap"),
        ([_slot(2, "09:00"), _slot(2, "09:00")], "slots_overlap", "overlap"),
        ([_slot(0, "09:00", 5)], "slot_invalid", "15 to 180 minutes"),
        ([_slot(0, "09:00", 181)], "slot_invalid", "15 to 180 minutes"),
        ([_slot(7, "09:00")], "slot_invalid", "0 (Monday) to 6 (Sunday)"),
        ([_slot(6, "23:30", 50)], "slot_invalid", "past midnight"),
    ],
)
def test_bad_slots_are_refused_and_nothing_stored(
    db: None, slots: list[WeeklySlot], code: str, words: str
) -> None:
    profile = _profile()
    before = list(StandingSlot.objects.values_list("pk", "weekday", "start", "minutes"))
    with pytest.raises(InvalidInput) as caught:
        do_replace_standing_slots(profile.user, profile=profile, slots=slots)
    assert caught.value.code == code and words in caught.value.detail
    assert list(StandingSlot.objects.values_list("pk", "weekday", "start", "minutes")) == before


def test_back_to_back_slots_do_not_overlap(db: None) -> None:
    profile = _profile()
    slots = [_slot(0, "09:00", 60), _slot(0, "10:00", 60), _slot(6, "23:00", 60)]
    assert len(do_replace_standing_slots(profile.user, profile=profile, slots=slots)) == 3
