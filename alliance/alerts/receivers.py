"""What alerts does when a lower app announces a change (subscribed in AlertsConfig.ready).

Each receiver runs inside the sender's transaction, so an alert and its cause are stored
together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from alliance.alerts.actions import raise_safety_alerts
from alliance.alerts.monitoring import MONITORED, evaluate_episode
from alliance.care.models import Episode, Session
from alliance.measures import registry
from alliance.measures.models import Response


def raise_safety_alerts_for(responses: Sequence[Response], now: dt.datetime) -> None:
    """A risk answer opens a safety alert for the treating therapist."""
    for response in responses:
        raise_safety_alerts(response, registry.get_instrument(response.instrument))


def monitor_after_responses(responses: Sequence[Response], now: dt.datetime) -> None:
    """Run each episode's rules once, on the complete submission."""
    episodes: dict[int, Episode] = {}
    for response in responses:
        if response.episode is not None and response.instrument in MONITORED:
            episodes.setdefault(response.episode.pk, response.episode)
    for episode in episodes.values():
        evaluate_episode(episode, now=now)


def monitor_after_session(session: Session, now: dt.datetime) -> None:
    """Attendance feeds the rupture and dropout rules."""
    evaluate_episode(session.episode, now=now)
