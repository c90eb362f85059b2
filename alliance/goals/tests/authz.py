"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` adds objects to the shared world and returns their placeholder ids: ``{goal}``
is a goal therapist_a proposed (waiting for client_a), ``{agreed_goal}`` one both agreed.

A POST row is sent once per persona in turn (client_a first), so where client_a's request
succeeds, therapist_a's then meets a goal that is already agreed or retired: 400 on the page,
409 from the API.
"""

from __future__ import annotations

from typing import Any

from alliance.care.models import Episode
from alliance.goals.actions import GoalDraft, do_accept_goal, do_propose_goal
from tests.authz_row import Row

EPISODE = {"episode_id": "{episode}"}
GOAL = {"goal_id": "{goal}"}
AGREED_GOAL = {"goal_id": "{agreed_goal}"}
LEVELS = {
    "-2": "Awake most of the night",
    "-1": "Awake for hours most nights",
    "0": "Asleep within an hour most nights",
    "1": "Asleep within half an hour most nights",
    "2": "Asleep within half an hour every night",
}
PAGE_GOAL: dict[str, object] = {
    "title": "Sleep better {actor}",
    "level_minus_2": LEVELS["-2"],
    "level_minus_1": LEVELS["-1"],
    "level_0": LEVELS["0"],
    "level_plus_1": LEVELS["1"],
    "level_plus_2": LEVELS["2"],
    "weight": "1",
}
SIDES_ONCE_PAGE: dict[str, str | int] = {"client_a": "allowed", "therapist_a": 400}
SIDES_ONCE_API: dict[str, str | int] = {"client_a": "allowed", "therapist_a": 409}

ROWS: dict[str, Row] = {
    "episode-goals": Row("clinical", kwargs=EPISODE),
    "goal-propose": Row("clinical", method="POST", kwargs=EPISODE, body=PAGE_GOAL),
    "goal-accept": Row(
        "explicit", method="POST", kwargs=GOAL, body={"version": "1"}, expect=SIDES_ONCE_PAGE
    ),
    "goal-edit": Row("clinical", kwargs=GOAL),
    "goal-rate": Row(
        "clinical",
        method="POST",
        kwargs=AGREED_GOAL,
        body={"level": "1", "submission_key": "rate-page-{actor}"},
    ),
    "goal-retire": Row("explicit", method="POST", kwargs=GOAL, expect=SIDES_ONCE_PAGE),
    "api:list_goals": Row("clinical", kwargs=EPISODE),
    "api:propose_goal": Row(
        "clinical",
        method="POST",
        kwargs=EPISODE,
        body={"title": "Sleep better {actor}", "levels": LEVELS, "weight": 2},
    ),
    "api:accept_goal": Row(
        "explicit", method="POST", kwargs=GOAL, body={"version": 1}, expect=SIDES_ONCE_API
    ),
    "api:edit_goal": Row(
        "clinical", method="PATCH", kwargs=AGREED_GOAL, body={"title": "Sleep well {actor}"}
    ),
    "api:rate_goal": Row(
        "clinical",
        method="POST",
        kwargs=AGREED_GOAL,
        body={"level": 1, "submission_key": "rate-api-{actor}"},
    ),
    "api:retire_goal": Row("explicit", method="POST", kwargs=GOAL, expect=SIDES_ONCE_API),
}


def extend_world(world: Any) -> dict[str, str]:
    episode = Episode.objects.get(pk=world.ids["episode"])
    therapist = world.therapist_a
    draft = GoalDraft("Sleep through the night", LEVELS)
    goal = do_propose_goal(therapist, episode=episode, draft=draft)
    agreed = do_propose_goal(therapist, episode=episode, draft=draft)
    do_accept_goal(world.client_a, goal=agreed)
    return {"goal": str(goal.pk), "agreed_goal": str(agreed.pk)}
