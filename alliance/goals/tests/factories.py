"""Episodes, goals, frames and check-ins for the goals tests (factories, not fixtures)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from alliance.accounts.models import User
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import Episode, FrameState, FrameVersion
from alliance.goals.actions import GoalDraft, do_accept_goal, do_propose_goal, do_rate_goal
from alliance.goals.models import Goal
from alliance.measures.actions import do_submit_response
from alliance.measures.models import Response
from tests.factories import make_client, make_clinic, make_therapist

LEVELS = {
    "-2": "Awake most of the night, every night",
    "-1": "Awake for hours most nights",
    "0": "Asleep within an hour on most nights",
    "1": "Asleep within half an hour most nights",
    "2": "Asleep within half an hour every night",
}
# 3 + 3 + 2 + 4 = 12 out of 16.
CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}


def make_episode(started_on: dt.date = dt.date(2026, 9, 1)) -> Episode:
    clinic = make_clinic()
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    return do_start_episode(None, client=client, therapist=therapist, started_on=started_on)


def draft(title: str = "Sleep through the night", weight: int = 1) -> GoalDraft:
    return GoalDraft(title=title, levels=dict(LEVELS), weight=weight)


def make_goal(
    episode: Episode, *, by: User | None = None, title: str = "Sleep through the night"
) -> Goal:
    """A goal proposed by ``by`` (the therapist unless said otherwise)."""
    return do_propose_goal(by or episode.therapist, episode=episode, draft=draft(title))


def make_agreed_goal(
    episode: Episode, *, title: str = "Sleep through the night", weight: int = 1
) -> Goal:
    goal = do_propose_goal(episode.therapist, episode=episode, draft=draft(title, weight))
    return do_accept_goal(episode.client, goal=goal)


def rate(goal: Goal, level: int, *, by: User | None = None, at: dt.datetime | None = None):
    actor = by or goal.episode.client
    key = f"rate-{goal.pk}-{level}-{at.isoformat() if at else 'now'}"
    return do_rate_goal(actor, goal=goal, level=level, submission_key=key, now=at)


def make_frame(
    episode: Episode, *, goal_level: int = 0, stable_weeks: int = 4, number: int = 1
) -> FrameVersion:
    return FrameVersion.objects.create(
        episode=episode,
        number=number,
        state=FrameState.ACCEPTED,
        weekday=3,
        start_time=dt.time(18),
        time_zone="UTC",
        minutes=50,
        format="online",
        fee=1500,
        style="collaborative",
        ending_goal_level=goal_level,
        ending_stable_weeks=stable_weeks,
        effective_from=episode.started_on,
        proposed_by=episode.therapist,
    )


def check_in(episode: Episode, at: dt.datetime, answers: dict[str, int] | None = None) -> Response:
    return do_submit_response(
        episode.client,
        instrument_id="alliance-checkin-client",
        answers=answers or CHECK_IN,
        client=episode.client,
        episode=episode,
        submission_key=f"checkin-{at.isoformat()}",
        administered_at=at,
    )


def logged_in(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http
