"""What care does when a lower app announces a change (subscribed in CareConfig.ready)."""

from __future__ import annotations

from alliance.accounts.models import User
from alliance.care.actions.episodes import do_offer_online_after_move


def offer_online_to_clients(therapist: User, new_city: str) -> None:
    """A therapist moved city: clients seen in person are offered the same slot online."""
    do_offer_online_after_move(therapist, new_city=new_city)
