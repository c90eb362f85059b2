"""What alerts does when a lower app announces a change (subscribed in AlertsConfig.ready).

Each receiver runs inside the sender's transaction, so an alert and its cause are stored
together or not at all. After a submission the receivers return the audit events of the
alerts they stored, and the submission appends them with its own: one append per action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from alliance.accounts.models import User
from alliance.alerts.actions import do_open_safety_alerts, raised_events
from alliance.alerts.monitoring import MONITORED, evaluate_episode
from alliance.audit.trail import Event
from alliance.care.models import Episode, Session
from alliance.measures import registry
from alliance.measures.models import Response


def raise_safety_alerts_for(responses: Sequence[Response], now: dt.datetime) -> list[Event]:
    """A risk answer opens a safety alert for the treating therapist."""
    stored = [
        alert
        for response in responses
        for alert in do_open_safety_alerts(response, registry.get_instrument(response.instrument))
    ]
    return raised_events(stored)


def monitor_after_responses(responses: Sequence[Response], now: dt.datetime) -> list[Event]:
    """Run each episode's rules once, on the complete submission."""
    episodes: dict[int, Episode] = {}
    for response in responses:
        if response.episode is not None and response.instrument in MONITORED:
            episodes.setdefault(response.episode.pk, response.episode)
    raised = [
        alert
        for episode in episodes.values()
        for alert in evaluate_episode(episode, now=now, audit=False).raised
    ]
    return raised_events(raised)


def monitor_after_session(session: Session, actor: User, now: dt.datetime) -> None:
    """Attendance feeds the rupture and dropout rules."""
    evaluate_episode(session.episode, now=now, actor=actor)
