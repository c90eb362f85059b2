"""Booked slots on the profile pages: marked for the therapist, never offered to clients."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from alliance.directory.models import StandingSlot, TherapistProfile
from alliance.directory.tests.test_profile_edit import _as, _form
from alliance.directory.tests.test_profile_page import _page, _profile
from alliance.matching.models import BookingKind, SlotBooking
from tests.factories import make_client, make_therapist


def test_a_booked_slot_is_marked_and_removing_it_is_refused(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    SlotBooking.objects.create(slot=profile.slots.get(), client=make_client(), kind="intro")
    http = _as(therapist)
    page = http.get(reverse("practice-profile")).content.decode()
    assert "Booked by a client" in page and 'name="slots-0-DELETE"' not in page
    response = http.post(reverse("practice-profile"), _form(profile, **{"slots-0-DELETE": "on"}))
    assert response.status_code == 400
    assert "is booked by a client, so it cannot be removed" in response.content.decode()
    assert profile.slots.count() == 1


def test_booked_slots_are_not_offered(db: None) -> None:
    profile = _profile()
    free = StandingSlot.objects.create(
        therapist=profile, weekday=0, start=dt.time(9, 0), minutes=50
    )
    taken = profile.slots.get(weekday=3)
    SlotBooking.objects.create(slot=taken, client=make_client(), kind=BookingKind.INTRO)
    body = _page(profile)
    assert f"{free.get_weekday_name()} 09:00" in body and "Thursday 18:00" not in body
