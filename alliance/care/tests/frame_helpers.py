"""A client and a therapist working together, and frame terms to agree on.

Times are hand-picked so expected values can be written out: the reference "now" is Monday
2 March 2026, 09:00 UTC (London is on GMT until Sunday 29 March 2026, then BST = UTC+1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alliance.accounts.models import Clinic, User
from alliance.care.actions.episodes import do_start_episode
from alliance.care.actions.frames import do_accept_frame, do_propose_frame
from alliance.care.models import Episode, EpisodeState, FrameVersion, Session
from tests.factories import make_client, make_clinic, make_therapist

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = dt.date(2026, 3, 2)

# Thursdays 18:00 in London from Monday 2 March 2026.
TERMS: dict[str, Any] = {
    "weekday": 3,
    "start_time": "18:00",
    "time_zone": "Europe/London",
    "minutes": 50,
    "format": "online",
    "location": "",
    "fee": 1500,
    "cancellation_hours": 24,
    "contact_rule": "logistics",
    "style": "supportive",
    "ending_goal_level": 1,
    "ending_stable_weeks": 4,
    "effective_from": "2026-03-02",
}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def start_episode(
    *, clinic: Clinic | None = None, therapist: User | None = None, state: str = "active"
) -> Episode:
    """A fresh client with ``therapist`` (a new one by default), in ``state``."""
    clinic = clinic or (therapist.clinic if therapist is not None else None) or make_clinic()
    therapist = therapist or make_therapist(clinic=clinic)
    client = make_client(clinic=clinic)
    episode = do_start_episode(None, client=client, therapist=therapist, started_on=TODAY)
    if state != EpisodeState.TRIAL:
        Episode.objects.filter(pk=episode.pk).update(state=state)
        episode.refresh_from_db()
    return episode


def agree(episode: Episode, *, today: dt.date = TODAY, **changes: Any) -> FrameVersion:
    """The therapist proposes ``TERMS`` with ``changes``; the client accepts."""
    frame = do_propose_frame(
        episode.therapist, episode=episode, terms={**TERMS, **changes}, today=today
    )
    return do_accept_frame(episode.client, frame=frame, today=today)


def starts(episode: Episode, **filters: Any) -> list[dt.datetime]:
    """The starts of the episode's sessions (all statuses unless filtered), in order."""
    rows = Session.objects.filter(episode=episode, **filters).order_by("starts_at")
    return list(rows.values_list("starts_at", flat=True))
