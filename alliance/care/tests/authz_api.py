"""The care API's rows in the authorization table (the world comes from care/tests/authz.py:
an accepted frame with sessions, and a change therapist_a proposed that client_a has not
answered)."""

from __future__ import annotations

from typing import Any

from tests.authz_row import Row

EPISODE = {"episode_id": "{episode}"}
PENDING = {"frame_id": "{pending_frame}"}
SESSION = {"session_id": "{session}"}
TERMS = {
    "weekday": 2,
    "start_time": "10:00",
    "time_zone": "Europe/London",
    "minutes": 50,
    "format": "online",
    "fee": 1500,
    "style": "supportive",
    "effective_from": "2031-01-01",
}

ROWS: dict[str, Row] = {
    "api:list_episodes": Row("login"),
    "api:get_episode": Row("clinical", kwargs=EPISODE),
    "api:pause_episode": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        expect={"client_a": "allowed", "therapist_a": 409},  # the client paused it first
    ),
    "api:resume_episode": Row(
        "explicit", method="POST", kwargs=EPISODE, expect={"client_a": 409, "therapist_a": 409}
    ),
    "api:list_frames": Row("clinical", kwargs=EPISODE),
    "api:propose_frame": Row(
        # A change is already pending: both sides reach the action and are refused.
        "explicit",
        method="POST",
        kwargs=EPISODE,
        body=TERMS,
        expect={"client_a": 409, "therapist_a": 409},
    ),
    "api:accept_frame": Row(
        "explicit",
        method="POST",
        kwargs=PENDING,
        expect={"client_a": "allowed", "therapist_a": 409},  # decided by then
    ),
    "api:decline_frame": Row(
        "explicit",
        method="POST",
        kwargs=PENDING,
        expect={"client_a": "allowed", "therapist_a": 409},
    ),
    "api:withdraw_frame": Row(
        "explicit",
        method="POST",
        kwargs=PENDING,
        expect={"client_a": 403, "therapist_a": "allowed"},
    ),
    "api:list_sessions": Row("clinical", kwargs=EPISODE),
    "api:move_session": Row(
        "explicit",
        method="POST",
        kwargs=SESSION,
        body={"starts_at": "2031-01-07T10:00:00+00:00"},
        expect={"client_a": "allowed", "therapist_a": 400},  # already at that time
    ),
    "api:cancel_session": Row(
        "explicit",
        method="POST",
        kwargs=SESSION,
        body={"reason": ""},
        expect={"client_a": "allowed", "therapist_a": 409},  # already cancelled
    ),
    "api:record_outcome": Row(
        "explicit",
        method="POST",
        kwargs=SESSION,
        body={"outcome": "no_show"},
        expect={"client_a": 403, "therapist_a": 400},  # therapist only; not started yet
    ),
}


def extend_world(world: Any) -> dict[str, str]:
    return {}
