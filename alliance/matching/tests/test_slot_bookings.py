"""A booked slot cannot be removed: the directory asks matching (the slot_bookings hook)."""

from __future__ import annotations

import pytest

from alliance.core.errors import Conflict, DomainError
from alliance.directory.actions import (
    do_replace_standing_slots,
)
from alliance.directory.tests.test_actions import _profile, _slot
from alliance.matching.models import BookingKind, SlotBooking
from tests.factories import make_client


def test_a_booked_slot_cannot_be_removed_or_moved(db: None) -> None:
    profile = _profile()
    booked = profile.slots.get()
    SlotBooking.objects.create(slot=booked, client=make_client(), kind=BookingKind.INTRO)
    for slots in [[], [_slot(3, "18:30")], [_slot(3, "18:00", 60)]]:
        with pytest.raises(Conflict) as caught:
            do_replace_standing_slots(profile.user, profile=profile, slots=slots)
        assert caught.value.code == "slot_booked"
        assert "Thursday 18:00" in caught.value.detail
    assert list(profile.slots.all()) == [booked]
    kept = do_replace_standing_slots(
        profile.user, profile=profile, slots=[_slot(3, "18:00"), _slot(4, "18:00")]
    )
    assert booked in kept and len(kept) == 2


def test_a_slot_with_past_bookings_is_kept_with_a_clear_message(db: None) -> None:
    profile = _profile()
    slot = profile.slots.get()
    SlotBooking.objects.create(
        slot=slot, client=make_client(), kind=BookingKind.INTRO, active=False
    )
    with pytest.raises(DomainError) as caught:
        do_replace_standing_slots(profile.user, profile=profile, slots=[])
    assert caught.value.code == "slot_has_bookings"
    assert profile.slots.filter(pk=slot.pk).exists()
