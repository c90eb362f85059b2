"""A client placed with a therapist through the real intake and booking, with held sessions, and
another therapist who fits them too (factories, not fixtures).

The reference "now" is Monday 2 March 2026, 09:00 UTC; held sessions are the Thursdays before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client

from alliance.accounts.models import Clinic, User
from alliance.care.hooks import session_changed
from alliance.care.models import Episode, Session, SessionStatus
from alliance.directory.models import TherapistProfile
from alliance.matching.actions import do_book_slot
from alliance.matching.models import Intake
from alliance.matching.tests.helpers import submitted_intake, therapist
from tests.factories import make_client, make_clinic

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CLIENT_ANSWERS = {"going": 2, "style": 1, "goals": 3}


@dataclass
class Pairing:
    clinic: Clinic
    client: User
    therapist: User
    other: TherapistProfile  # another therapist who fits the client's intake
    episode: Episode
    intake: Intake  # the intake the client was placed from


def placed(
    *,
    n_held: int = 0,
    other_slots: tuple[tuple[int, str], ...] = ((3, "19:00"),),
    recorded: bool = True,
) -> Pairing:
    """A client who booked a first session with a therapist (Thursdays 18:00), with ``n_held``
    sessions held; another therapist has ``other_slots`` free (none: nobody else available)."""
    clinic = make_clinic()
    client = make_client(clinic=clinic, first_name="Asha")
    first = therapist(clinic, slots=((3, "18:00"),))
    other = therapist(clinic, slots=other_slots)
    intake = submitted_intake(client)
    do_book_slot(client, intake=intake, profile=first, slot=first.slots.get(), kind="first_session")
    episode = Episode.objects.get(client=client)
    hold_sessions(episode, n_held, recorded=recorded)
    intake.refresh_from_db()
    return Pairing(clinic, client, first.user, other, episode, intake)


def hold_sessions(
    episode: Episode, n: int, *, first: dt.datetime | None = None, recorded: bool = True
) -> None:
    """``n`` weekly held sessions; ``recorded`` announces the last as recording it would
    (care.session_changed: monitoring, and the fit review once due)."""
    start = first or NOW - dt.timedelta(days=4 + 7 * n)
    session = None
    for week in range(n):
        starts_at = start + dt.timedelta(weeks=week)
        session = Session.objects.create(
            episode=episode,
            client_id=episode.client_id,
            therapist_id=episode.therapist_id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=50),
            status=SessionStatus.HELD,
        )
    if recorded and session is not None:
        session_changed.send(session, episode.therapist, NOW)


def logged_in(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http
