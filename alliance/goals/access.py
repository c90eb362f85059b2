"""Permission-checked lookups for goals: the episode's client and its treating therapist only.

Everything goes through :func:`care.access.get_clinical_episode_for_user`, so a goal of someone
else's episode and a goal that does not exist both answer 404.
"""

from __future__ import annotations

from alliance.accounts.models import User
from alliance.care.access import get_clinical_episode_for_user
from alliance.care.models import Episode
from alliance.core.errors import NotFound
from alliance.goals.models import Goal


def get_goal_episode_for_user(viewer: User, episode_id: int) -> Episode:
    """An episode whose goals the viewer may read and change (its client or its therapist)."""
    return get_clinical_episode_for_user(viewer, episode_id)


def get_goal_for_user(viewer: User, goal_id: int) -> Goal:
    """One goal of an episode the viewer is part of, with that episode attached."""
    goal = Goal.objects.select_related("proposed_by", "agreed_by").filter(pk=goal_id).first()
    if goal is None:
        raise NotFound("No such goal.")
    try:
        goal.episode = get_clinical_episode_for_user(viewer, goal.episode_id)
    except NotFound:
        raise NotFound("No such goal.") from None
    return goal
