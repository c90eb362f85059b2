"""What matching answers when the directory asks (subscribed in MatchingConfig.ready)."""

from __future__ import annotations

from alliance.directory.hooks import Slots
from alliance.matching.models import SlotBooking


def slot_bookings(slots: Slots) -> list[tuple[int, bool]]:
    """(slot id, active) for every booking of ``slots``, in one query."""
    return list(SlotBooking.objects.filter(slot__in=slots).values_list("slot_id", "active"))
