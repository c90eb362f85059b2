"""What directory announces or asks, for higher apps to answer (docs/architecture.md#hooks)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.directory.models import StandingSlot
from alliance.lib.hooks import Hook

Slots = Sequence[StandingSlot] | QuerySet[StandingSlot]

# Sent inside the profile update when a therapist's city changed, so their clients seen in
# person can be offered the same slot online.
therapist_moved_city: Hook[[User, str], object] = Hook("directory.therapist_moved_city")

# Asked before slots are removed or shown as free: (slot id, still active) for each booking
# of the given slots. With no receiver no slot is booked.
slot_bookings: Hook[[Slots], list[tuple[int, bool]]] = Hook("directory.slot_bookings")
