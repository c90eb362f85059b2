"""The episode's GAS T-score and its history, against values worked by hand.

Kiresuk & Sherman (1968): T = 50 + 10·Σwx / √((1 − ρ)·Σw² + ρ·(Σw)²), ρ = 0.3.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from alliance.goals.actions import do_edit_goal, do_retire_goal
from alliance.goals.models import Goal, GoalRating
from alliance.goals.summary import (
    RatedGoal,
    compute_goal_score,
    compute_score_series,
    describe_t_score,
    load_agreed_goals,
)
from alliance.goals.tests.factories import draft, make_agreed_goal, make_episode, make_goal, rate

DAY = dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC)


def _rated(levels: list[int | None], weights: list[int]) -> list[RatedGoal]:
    rated = []
    for n, (level, weight) in enumerate(zip(levels, weights, strict=True), start=1):
        goal = Goal(pk=n, title=f"Goal {n}", weight=weight, levels={})
        ratings = () if level is None else (GoalRating(goal=goal, level=level, rated_at=DAY),)
        rated.append(RatedGoal(goal, ratings))
    return rated


@pytest.mark.parametrize(
    ("levels", "weights", "expected"),
    [
        # 50 + 10·1 / √(0.7·2 + 0.3·4) = 50 + 10/√2.6
        ([1, 0], [1, 1], 50 + 10 / math.sqrt(2.6)),
        ([1, 0], [1, 1], 56.2017),
        # one goal: each level is 10 points
        ([-2], [1], 30.0),
        ([2], [1], 70.0),
        # weighted cases, worked by hand
        ([1, 0, -1], [1, 2, 3], 45.5935),
        ([2, 1, 0], [3, 2, 1], 67.6261),
        ([-1, -1], [4, 1], 38.6481),
        ([1, 1, 1], [1, 1, 1], 63.6931),
    ],
)
def test_t_score_matches_hand_computed_values(
    levels: list[int], weights: list[int], expected: float
) -> None:
    score = compute_goal_score(_rated(list(levels), weights))
    assert score.t_score == pytest.approx(expected, abs=5e-5)
    assert (score.n_agreed, score.unrated) == (len(levels), ())


def test_no_t_score_until_every_agreed_goal_is_rated() -> None:
    rated = _rated([1, None, 0], [1, 1, 1])
    score = compute_goal_score(rated)
    assert score.t_score is None
    assert [goal.title for goal in score.unrated] == ["Goal 2"]
    assert compute_goal_score([]).t_score is None


def test_the_latest_rating_of_each_agreed_goal_counts_and_retired_goals_do_not(db: None) -> None:
    episode = make_episode()
    sleep = make_agreed_goal(episode)
    gym = make_agreed_goal(episode, title="Go back to the gym")
    rate(sleep, -1, at=DAY)
    rate(sleep, 1, at=DAY + dt.timedelta(days=7))
    rate(gym, 0, at=DAY + dt.timedelta(days=1))
    make_goal(episode, title="Only proposed")  # not agreed: not counted
    score = compute_goal_score(load_agreed_goals(episode))
    assert score.t_score == pytest.approx(56.2017, abs=5e-5)

    retired = make_agreed_goal(episode, title="Retired later")
    assert compute_goal_score(load_agreed_goals(episode)).t_score is None  # unrated
    do_retire_goal(episode.client, goal=retired)
    assert compute_goal_score(load_agreed_goals(episode)).t_score == pytest.approx(56.2017, 1e-5)

    # An edit takes the goal back to "proposed": it leaves the score until agreed again.
    do_edit_goal(episode.client, goal=gym, draft=draft("Go to the gym twice a week"))
    assert compute_goal_score(load_agreed_goals(episode)).t_score == pytest.approx(60.0)


def test_series_uses_the_latest_ratings_so_far_at_each_rating_date(db: None) -> None:
    episode = make_episode()
    sleep = make_agreed_goal(episode)
    gym = make_agreed_goal(episode, title="Go back to the gym", weight=1)
    rate(sleep, 1, at=DAY)
    rate(gym, 0, at=DAY + dt.timedelta(days=7))
    rate(sleep, 2, at=DAY + dt.timedelta(days=14, hours=1))
    rate(sleep, -1, at=DAY + dt.timedelta(days=14, hours=3))  # later the same day: it counts
    series = compute_score_series(load_agreed_goals(episode))
    assert [(p.on, p.n_rated, p.n_goals, p.is_partial) for p in series] == [
        (dt.date(2026, 10, 5), 1, 2, True),
        (dt.date(2026, 10, 12), 2, 2, False),
        (dt.date(2026, 10, 19), 2, 2, False),
    ]
    assert [p.t_score for p in series] == pytest.approx(
        [60.0, 50 + 10 / math.sqrt(2.6), 50 - 10 / math.sqrt(2.6)]
    )


def test_the_series_weights_goals() -> None:
    rated = _rated([1, 0, -1], [1, 2, 3])
    assert compute_score_series(rated)[0].t_score == pytest.approx(45.5935, abs=5e-5)


@pytest.mark.parametrize(
    ("t_score", "words"),
    [
        (50.0, "where you both expected"),
        (50.04, "where you both expected"),
        (56.2, "better than"),
        (43.8, "not yet where"),
    ],
)
def test_t_score_in_plain_words(t_score: float, words: str) -> None:
    assert words in describe_t_score(t_score)
