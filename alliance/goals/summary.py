"""Where an episode's goals stand: the GAS T-score, its history, and the agreed ending criteria.

The T-score is the Kiresuk-Sherman formula (Kiresuk & Sherman 1968; core.measures.gas) over every
agreed goal's latest rating, weighted by the goal's weight. It is given only when every agreed
goal has a rating: a score over some of the goals would read as the whole picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from alliance.care.models import Episode, FrameVersion
from alliance.care.queries import current_frame
from alliance.core.errors import InvalidInput
from alliance.core.frame.ending import EndingAssessment, EndingCriteria, assess_ending
from alliance.core.frame.ending import GoalState as EndingGoal
from alliance.core.measures.gas import compute_gas_t_score
from alliance.goals.models import Goal, GoalRating, GoalState
from alliance.measures.models import Response

CHECKIN_INSTRUMENT = "alliance-checkin-client"


@dataclass(frozen=True)
class RatedGoal:
    """An agreed goal with its ratings, oldest first."""

    goal: Goal
    ratings: tuple[GoalRating, ...]

    @property
    def latest(self) -> GoalRating | None:
        return self.ratings[-1] if self.ratings else None


@dataclass(frozen=True)
class GoalScore:
    """The current T-score (``None`` when some agreed goal is unrated or none is agreed)."""

    t_score: float | None
    n_agreed: int
    unrated: tuple[Goal, ...]


@dataclass(frozen=True)
class ScorePoint:
    """The T-score on ``on`` from the latest ratings so far of the goals rated by then."""

    on: dt.date
    t_score: float
    n_rated: int
    n_goals: int

    @property
    def is_partial(self) -> bool:
        return self.n_rated < self.n_goals


@dataclass(frozen=True)
class EndingCard:
    """The agreed ending criteria of the current frame and whether they are met today."""

    frame: FrameVersion | None
    criteria: EndingCriteria | None
    assessment: EndingAssessment | None
    problem: str = ""


def load_agreed_goals(episode: Episode) -> list[RatedGoal]:
    ratings = Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_at", "pk"))
    goals = episode.goals.filter(state=GoalState.AGREED).prefetch_related(ratings)
    return [RatedGoal(goal, tuple(goal.ratings.all())) for goal in goals.order_by("pk")]


def compute_goal_score(agreed: Sequence[RatedGoal]) -> GoalScore:
    unrated = tuple(rated.goal for rated in agreed if rated.latest is None)
    if not agreed or unrated:
        return GoalScore(None, len(agreed), unrated)
    levels = [rated.latest.level for rated in agreed if rated.latest is not None]
    weights = [float(rated.goal.weight) for rated in agreed]
    return GoalScore(compute_gas_t_score(levels, weights), len(agreed), ())


def compute_score_series(agreed: Sequence[RatedGoal]) -> list[ScorePoint]:
    """At each local date with a rating: the T-score from each goal's latest rating so far.

    Goals not yet rated on a date are left out of that point (``n_rated`` says how many).
    """
    ratings = sorted(
        (rating for rated in agreed for rating in rated.ratings), key=lambda r: (r.rated_at, r.pk)
    )
    weights = {rated.goal.pk: float(rated.goal.weight) for rated in agreed}
    latest: dict[int, int] = {}
    by_day: dict[dt.date, dict[int, int]] = {}
    for rating in ratings:
        latest[rating.goal_id] = rating.level
        by_day[timezone.localdate(rating.rated_at)] = dict(latest)
    return [
        ScorePoint(
            on=day,
            t_score=compute_gas_t_score(list(levels.values()), [weights[g] for g in levels]),
            n_rated=len(levels),
            n_goals=len(agreed),
        )
        for day, levels in by_day.items()
    ]


def assess_goal_ending(episode: Episode, agreed: Sequence[RatedGoal], today: dt.date) -> EndingCard:
    """The current frame's ending criteria checked against goals and client check-ins."""
    frame = current_frame(episode, today)
    if frame is None:
        return EndingCard(None, None, None)
    try:
        criteria = EndingCriteria(
            goal_level=frame.ending_goal_level, stable_weeks=frame.ending_stable_weeks
        )
    except InvalidInput as exc:
        return EndingCard(frame, None, None, problem=exc.detail)
    goals = [
        EndingGoal(rated.goal.title, rated.latest.level if rated.latest else None)
        for rated in agreed
    ]
    assessment = assess_ending(goals, client_check_ins(episode), criteria, today)
    return EndingCard(frame, criteria, assessment)


def client_check_ins(episode: Episode) -> list[tuple[dt.date, float]]:
    """The client's Alliance Check-in totals in this episode, corrections applied."""
    rows = Response.objects.filter(
        episode=episode, instrument=CHECKIN_INSTRUMENT, superseded_by__isnull=True
    ).values_list("administered_at", "total")
    return [(timezone.localdate(at), float(total)) for at, total in rows]


def describe_t_score(t_score: float) -> str:
    """A plain sentence for a T-score: 50 is "as expected" (Kiresuk & Sherman 1968)."""
    rounded = round(t_score, 1)
    if rounded == 50:
        return "Taken together, the goals are where you both expected them to be."
    if rounded > 50:
        return "Taken together, the goals are going better than you both expected."
    return "Taken together, the goals are not yet where you both expected them to be."
