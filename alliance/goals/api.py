"""Shared goals over the API: the same actions as the page, through the same access helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from alliance.accounts.http import request_user
from alliance.goals.access import get_goal_episode_for_user, get_goal_for_user
from alliance.goals.actions import (
    GoalDraft,
    do_accept_goal,
    do_edit_goal,
    do_propose_goal,
    do_rate_goal,
    do_retire_goal,
    draft_of,
)
from alliance.goals.models import MAX_TEXT, MAX_WEIGHT, MIN_WEIGHT, Goal, GoalRating
from alliance.goals.summary import (
    compute_goal_score,
    compute_score_series,
    describe_t_score,
    load_agreed_goals,
)

router = Router(tags=["goals"])

LevelKey = Literal["-2", "-1", "0", "1", "2"]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Weight = Annotated[StrictInt, Field(ge=MIN_WEIGHT, le=MAX_WEIGHT)]


class GoalIn(Schema):
    title: Text = Field(description="In the client's own words.")
    levels: dict[LevelKey, Text] = Field(description='All five: "-2" … "2"; "0" is expected.')
    weight: Weight = 1
    review_on: dt.date | None = None


class GoalPatch(Schema):
    title: Text | None = None
    levels: dict[LevelKey, Text] | None = None
    weight: Weight | None = None
    review_on: dt.date | None = None


class AcceptIn(Schema):
    version: StrictInt | None = Field(None, description="The version you read; refused if stale.")


class RatingIn(Schema):
    # Any whole number passes the schema: −2…+2 is checked by the action, with its message.
    level: StrictInt
    submission_key: str = Field(
        min_length=8, max_length=64, description="Unique per form; a repeat returns the first."
    )


class RatingOut(Schema):
    id: int
    goal_id: int
    goal_version: int
    level: int
    rated_by_id: int
    rated_at: dt.datetime


class GoalOut(Schema):
    id: int
    episode_id: int
    title: str
    levels: dict[str, str]
    weight: int
    state: str
    version: int
    proposed_by_id: int
    proposed_at: dt.datetime
    agreed_by_id: int | None
    agreed_at: dt.datetime | None
    review_on: dt.date | None
    retired_at: dt.datetime | None
    latest_rating: RatingOut | None = None

    @staticmethod
    def resolve_latest_rating(obj: Goal) -> GoalRating | None:
        return max(obj.ratings.all(), key=lambda r: (r.rated_at, r.pk), default=None)


class ScorePointOut(Schema):
    on: dt.date
    t_score: float
    n_rated: int
    n_goals: int


class ScoreOut(Schema):
    t_score: float | None = Field(description="GAS T-score; 50 = as expected. Null if unrated.")
    explanation: str
    n_agreed: int
    unrated_goal_ids: list[int]
    series: list[ScorePointOut]


class GoalListOut(Schema):
    goals: list[GoalOut]
    score: ScoreOut


@router.get(
    "/episodes/{episode_id}/goals",
    response=GoalListOut,
    url_name="list_goals",
    summary="An episode's goals, with their latest ratings and the T-score",
)
def list_goals(request: HttpRequest, episode_id: int) -> dict[str, object]:
    episode = get_goal_episode_for_user(request_user(request), episode_id)
    agreed = load_agreed_goals(episode)
    score = compute_goal_score(agreed)
    if score.t_score is not None:
        explanation = describe_t_score(score.t_score)
    elif score.n_agreed:
        explanation = "The score appears once every agreed goal has a rating."
    else:
        explanation = "No goal is agreed yet."
    return {
        "goals": list(episode.goals.prefetch_related("ratings").order_by("pk")),
        "score": {
            "t_score": score.t_score,
            "explanation": explanation,
            "n_agreed": score.n_agreed,
            "unrated_goal_ids": [goal.pk for goal in score.unrated],
            "series": compute_score_series(agreed),
        },
    }


@router.post(
    "/episodes/{episode_id}/goals",
    response={201: GoalOut},
    url_name="propose_goal",
    summary="Propose a goal (the other side accepts it)",
)
def propose_goal(request: HttpRequest, episode_id: int, payload: GoalIn) -> Status:
    user = request_user(request)
    episode = get_goal_episode_for_user(user, episode_id)
    draft = GoalDraft(
        payload.title,
        {str(key): text for key, text in payload.levels.items()},
        payload.weight,
        payload.review_on,
    )
    return Status(201, do_propose_goal(user, episode=episode, draft=draft))


@router.post(
    "/goals/{goal_id}/accept",
    response=GoalOut,
    url_name="accept_goal",
    summary="Accept a goal the other side proposed",
)
def accept_goal(request: HttpRequest, goal_id: int, payload: AcceptIn | None = None) -> Goal:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    version = payload.version if payload is not None else None
    return do_accept_goal(user, goal=goal, version=version)


@router.patch(
    "/goals/{goal_id}",
    response=GoalOut,
    url_name="edit_goal",
    summary="Change a goal: a new version, proposed again to the other side",
)
def edit_goal(request: HttpRequest, goal_id: int, payload: GoalPatch) -> Goal:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in ("title", "levels", "weight"):  # null leaves these as they are
        if name in changes and changes[name] is None:
            del changes[name]
    draft = dataclasses.replace(draft_of(goal), **changes)
    return do_edit_goal(user, goal=goal, draft=draft)


@router.post(
    "/goals/{goal_id}/ratings",
    response={201: RatingOut},
    url_name="rate_goal",
    summary="Rate an agreed goal at −2 … +2",
)
def rate_goal(request: HttpRequest, goal_id: int, payload: RatingIn) -> Status:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    rating = do_rate_goal(
        user, goal=goal, level=payload.level, submission_key=payload.submission_key
    )
    return Status(201, rating)


@router.post(
    "/goals/{goal_id}/retire",
    response=GoalOut,
    url_name="retire_goal",
    summary="Retire a goal (its ratings stay on record)",
)
def retire_goal(request: HttpRequest, goal_id: int) -> Goal:
    user = request_user(request)
    return do_retire_goal(user, goal=get_goal_for_user(user, goal_id))
