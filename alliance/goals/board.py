"""What the goals page shows, worked out here so the template only lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import formats

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.goals.actions import signed
from alliance.goals.forms import LEVEL_MEANINGS, new_submission_key
from alliance.goals.models import LEVEL_KEYS, Goal, GoalRating, GoalState
from alliance.goals.summary import (
    EndingCard,
    GoalScore,
    ScorePoint,
    assess_goal_ending,
    compute_goal_score,
    compute_score_series,
    describe_t_score,
    load_agreed_goals,
)

N_HISTORY = 5
# Wide enough for many goals all at ±2 (the limit is 50 ± 20/√0.3 ≈ 50 ± 36.5).
CHART_MIN, CHART_MAX = 10, 90


@dataclass(frozen=True)
class LevelLine:
    key: str
    label: str
    meaning: str
    text: str
    is_latest: bool = False


@dataclass(frozen=True)
class RatingLine:
    rated_at: dt.datetime
    label: str
    by: str


@dataclass(frozen=True)
class GoalCard:
    goal: Goal
    levels: tuple[LevelLine, ...]
    proposed_by: str
    agreed_by: str
    latest: RatingLine | None
    history: tuple[RatingLine, ...]
    n_ratings: int
    can_accept: bool
    waiting_for: str
    can_change: bool
    can_rate: bool
    rate_key: str
    error: str = ""


@dataclass(frozen=True)
class Board:
    episode: Episode
    viewer_is_therapist: bool
    other: str
    active: tuple[GoalCard, ...]
    retired: tuple[GoalCard, ...]
    score: GoalScore
    t_score_text: str
    series: tuple[ScorePoint, ...]
    chart: dict[str, object]
    ending: EndingCard
    ending_level: str


def build_board(
    episode: Episode,
    viewer: User,
    today: dt.date,
    *,
    error_goal: int | None = None,
    error: str = "",
) -> Board:
    agreed = load_agreed_goals(episode)
    score = compute_goal_score(agreed)
    series = compute_score_series(agreed)
    ratings = Prefetch(
        "ratings", queryset=GoalRating.objects.select_related("rated_by").order_by("rated_at", "pk")
    )
    goals = episode.goals.select_related("proposed_by", "agreed_by").prefetch_related(ratings)
    cards = [
        _card(goal, episode, viewer, error if goal.pk == error_goal else "")
        for goal in goals.order_by("pk")
    ]
    ending = assess_goal_ending(episode, agreed, today)
    return Board(
        episode=episode,
        viewer_is_therapist=viewer.pk == episode.therapist_id,
        other=describe_other(episode, viewer),
        active=tuple(c for c in cards if c.goal.state != GoalState.RETIRED),
        retired=tuple(c for c in cards if c.goal.state == GoalState.RETIRED),
        score=score,
        t_score_text=describe_t_score(score.t_score) if score.t_score is not None else "",
        series=tuple(series),
        chart=_chart(series),
        ending=ending,
        ending_level=signed(ending.criteria.goal_level) if ending.criteria else "",
    )


def _card(goal: Goal, episode: Episode, viewer: User, error: str) -> GoalCard:
    ratings = list(goal.ratings.all())
    latest = ratings[-1] if ratings else None
    is_open = episode.is_open and goal.state != GoalState.RETIRED
    proposed = goal.state == GoalState.PROPOSED
    mine = goal.proposed_by_id == viewer.pk
    return GoalCard(
        goal=goal,
        levels=tuple(
            LevelLine(
                key=key,
                label=signed(key),
                meaning=LEVEL_MEANINGS[key],
                text=str(goal.levels.get(key, "")),
                is_latest=latest is not None and latest.level == int(key),
            )
            for key in LEVEL_KEYS
        ),
        proposed_by=_person(goal.proposed_by, episode, viewer),
        agreed_by=_person(goal.agreed_by, episode, viewer) if goal.agreed_by else "",
        latest=_rating_line(latest, episode, viewer) if latest else None,
        history=tuple(_rating_line(r, episode, viewer) for r in reversed(ratings[-N_HISTORY:])),
        n_ratings=len(ratings),
        can_accept=is_open and proposed and not mine,
        waiting_for=describe_other(episode, viewer) if mine and proposed else "",
        can_change=is_open,
        can_rate=is_open and goal.state == GoalState.AGREED,
        rate_key=new_submission_key(),
        error=error,
    )


def _rating_line(rating: GoalRating, episode: Episode, viewer: User) -> RatingLine:
    meaning = LEVEL_MEANINGS[str(rating.level)]
    return RatingLine(
        rated_at=rating.rated_at,
        label=f"{signed(rating.level)} ({meaning})",
        by=_person(rating.rated_by, episode, viewer),
    )


def _person(person: User, episode: Episode, viewer: User) -> str:
    if person.pk == viewer.pk:
        return "you"
    role = episode.side_of(person, "client")
    return f"{person.full_name} ({role})"


def describe_other(episode: Episode, viewer: User) -> str:
    """The other side of the episode, as the viewer reads it."""
    return _person(episode.other_of(viewer), episode, viewer)


def _chart(series: list[ScorePoint]) -> dict[str, object]:
    """Plain data for static/js/charts.js; the table next to the chart has the same numbers."""
    return {
        "title": "Goal attainment T-score",
        "labels": [formats.date_format(point.on, "j M") for point in series],
        "values": [round(point.t_score, 1) for point in series],
        "min": CHART_MIN,
        "max": CHART_MAX,
        "cutoff": None,
        "higher_is_better": True,
    }
