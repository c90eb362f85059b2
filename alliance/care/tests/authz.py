"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` adds objects to the shared world and returns their placeholder ids.

POST rows run once per persona, in the order client_a, client_a2, client_b, therapist_a,
therapist_a2, staff_a, staff_b, on one world: the first successful change is client_a's, so
therapist_a then meets the changed state (409), which ``expect`` spells out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alliance.care.actions.calendar import do_create_calendar_feed
from alliance.care.actions.frames import do_accept_frame, do_propose_frame
from alliance.care.models import Episode, Session
from tests.authz_row import Row

EPISODE = {"episode_id": "{episode}"}
PENDING_FRAME = {"frame_id": "{pending_frame}"}
SESSION = {"session_id": "{session}"}
NOT_THERAPISTS = dict.fromkeys(["client_a", "client_a2", "client_b", "staff_a", "staff_b"], 403)

PAGE_ROWS: dict[str, Row] = {
    "episode-detail": Row("clinical", kwargs=EPISODE),
    "episode-frame": Row("clinical", kwargs=EPISODE),
    "episode-continue": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        expect={"client_a": "allowed", "therapist_a": 409},  # trial → active once
    ),
    "episode-pause": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        expect={"client_a": "allowed", "therapist_a": 409},  # already paused
    ),
    "episode-resume": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        expect={"client_a": 409, "therapist_a": 409},  # not paused: reached, then refused
    ),
    "episode-end": Row(
        "explicit",
        kwargs=EPISODE,
        expect={"client_a": "allowed", "therapist_a": "allowed", "staff_a": "allowed"},
    ),
    "episode-conflict": Row("clinical", kwargs=EPISODE),
    "session-add": Row(
        "explicit", kwargs=EPISODE, expect={"therapist_a": "allowed", **NOT_THERAPISTS}
    ),
    "frame-accept": Row(
        "explicit",
        method="POST",
        kwargs=PENDING_FRAME,
        expect={"client_a": "allowed", "therapist_a": 409},  # already decided
    ),
    "frame-decline": Row(
        "explicit",
        method="POST",
        kwargs=PENDING_FRAME,
        expect={"client_a": "allowed", "therapist_a": 409},
    ),
    "frame-withdraw": Row(
        "explicit",
        method="POST",
        kwargs=PENDING_FRAME,
        expect={"client_a": 403, "therapist_a": "allowed"},  # only the proposer withdraws
    ),
    "session-move": Row("clinical", kwargs=SESSION),
    "session-cancel": Row(
        "explicit",
        method="POST",
        kwargs=SESSION,
        body={"reason": "Travelling"},
        expect={"client_a": "allowed", "therapist_a": 409},  # already cancelled
    ),
    "session-outcome": Row(
        "explicit", kwargs=SESSION, expect={"therapist_a": "allowed", **NOT_THERAPISTS}
    ),
    "therapist-week": Row("role:therapist"),
    "staff-episodes": Row("role:staff"),
    "calendar": Row("role:client,therapist"),
    "calendar-create": Row("role:client,therapist", method="POST"),
    "calendar-revoke": Row("role:client,therapist", method="POST"),
    "calendar-ics": Row("public", kwargs={"token": "{calendar_token}"}),
}

ROWS: dict[str, Row] = {**PAGE_ROWS}


def _page_world(world: Any) -> dict[str, str]:
    """client_a and therapist_a agree a weekly frame (so sessions exist); therapist_a then
    proposes a change client_a has not answered; client_a has a calendar address."""
    episode = Episode.objects.get(pk=world.ids["episode"])
    today = timezone.localdate()
    terms = {
        "weekday": (today + dt.timedelta(days=2)).weekday(),
        "start_time": "18:00",
        "time_zone": "UTC",
        "minutes": 50,
        "format": "online",
        "fee": 1500,
        "cancellation_hours": 24,
        "contact_rule": "logistics",
        "style": "facilitative",
        "ending_goal_level": 0,
        "ending_stable_weeks": 4,
        "effective_from": today,
    }
    frame = do_propose_frame(world.therapist_a, episode=episode, terms=terms, today=today)
    do_accept_frame(world.client_a, frame=frame, today=today)
    change = {**terms, "start_time": "19:00", "effective_from": today + dt.timedelta(days=7)}
    pending = do_propose_frame(world.therapist_a, episode=episode, terms=change, today=today)
    session = Session.objects.filter(episode=episode).order_by("starts_at").first()
    assert session is not None
    _feed, token = do_create_calendar_feed(world.client_a)
    return {
        "frame": str(frame.pk),
        "pending_frame": str(pending.pk),
        "session": str(session.pk),
        "calendar_token": token,
    }


def extend_world(world: Any) -> dict[str, str]:
    return _page_world(world)
