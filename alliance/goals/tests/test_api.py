"""The goals API: status codes, error shapes and the T-score summary."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.test import Client

from alliance.goals.models import Goal, GoalRating, GoalState
from alliance.goals.tests.factories import (
    LEVELS,
    logged_in,
    make_agreed_goal,
    make_episode,
    make_goal,
)
from tests.factories import make_therapist

BODY = {"title": "Sleep through the night", "levels": LEVELS, "weight": 2}


def _send(http: Client, method: str, url: str, body: object = None) -> Any:
    return http.generic(method, url, "" if body is None else json.dumps(body), "application/json")


def test_propose_accept_rate_and_list(db: None) -> None:
    episode = make_episode()
    therapist, client = logged_in(episode.therapist), logged_in(episode.client)
    created = _send(therapist, "POST", f"/api/v1/episodes/{episode.pk}/goals", BODY)
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["state"], goal["version"], goal["weight"], goal["levels"]) == (
        "proposed",
        1,
        2,
        LEVELS,
    )
    assert goal["proposed_by_id"] == episode.therapist.pk

    own = _send(therapist, "POST", f"/api/v1/goals/{goal['id']}/accept")
    assert own.status_code == 403
    assert own.json()["code"] == "own_proposal"

    accepted = _send(client, "POST", f"/api/v1/goals/{goal['id']}/accept", {"version": 1})
    assert accepted.status_code == 200
    assert (accepted.json()["state"], accepted.json()["agreed_by_id"]) == (
        "agreed",
        episode.client.pk,
    )

    rating = {"level": 1, "submission_key": "abcdefgh1"}
    rated = _send(client, "POST", f"/api/v1/goals/{goal['id']}/ratings", rating)
    assert rated.status_code == 201
    assert (rated.json()["level"], rated.json()["goal_version"]) == (1, 1)
    repeat = _send(client, "POST", f"/api/v1/goals/{goal['id']}/ratings", rating)
    assert repeat.json()["id"] == rated.json()["id"]

    second = make_agreed_goal(episode, title="Go back to the gym")
    listed = _send(client, "GET", f"/api/v1/episodes/{episode.pk}/goals")
    assert listed.status_code == 200
    data = listed.json()
    assert [g["id"] for g in data["goals"]] == [goal["id"], second.pk]
    assert data["goals"][0]["latest_rating"]["level"] == 1
    assert data["goals"][1]["latest_rating"] is None
    assert data["score"]["t_score"] is None
    assert data["score"]["unrated_goal_ids"] == [second.pk]

    _send(therapist, "POST", f"/api/v1/goals/{second.pk}/ratings", {**rating, "level": 0})
    score = _send(client, "GET", f"/api/v1/episodes/{episode.pk}/goals").json()["score"]
    # weights 2 and 1, levels +1 and 0: 50 + 10·2 / √(0.7·5 + 0.3·9) = 50 + 20/√6.2
    assert score["t_score"] == pytest.approx(50 + 20 / math.sqrt(6.2))
    assert score["n_agreed"] == 2
    assert [p["n_rated"] for p in score["series"]] == [2]  # both rated today: one point
    assert "better than" in score["explanation"]


def test_edit_returns_the_goal_to_proposed(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    http = logged_in(episode.client)
    patched = _send(http, "PATCH", f"/api/v1/goals/{goal.pk}", {"title": "Sleep six hours"})
    assert patched.status_code == 200
    data = patched.json()
    assert (data["state"], data["version"], data["title"], data["agreed_by_id"]) == (
        "proposed",
        2,
        "Sleep six hours",
        None,
    )
    assert data["levels"] == LEVELS  # untouched fields keep their values
    cleared = _send(http, "PATCH", f"/api/v1/goals/{goal.pk}", {"review_on": None})
    assert cleared.json()["version"] == 2  # nothing changed: no new version


def test_retire(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    http = logged_in(episode.client)
    assert _send(http, "POST", f"/api/v1/goals/{goal.pk}/retire").json()["state"] == "retired"
    again = _send(http, "POST", f"/api/v1/goals/{goal.pk}/retire")
    assert (again.status_code, again.json()["code"]) == (409, "goal_retired")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**BODY, "title": "  "}, "title_required"),
        ({**BODY, "levels": {"0": "Expected"}}, "levels_incomplete"),
        ({**BODY, "levels": {**LEVELS, "1": " "}}, "level_plus_1_required"),
    ],
)
def test_domain_errors_are_400_with_detail_and_code(
    db: None, body: dict[str, object], code: str
) -> None:
    episode = make_episode()
    url = f"/api/v1/episodes/{episode.pk}/goals"
    response = _send(logged_in(episode.client), "POST", url, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert Goal.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "weight": 10},
        {**BODY, "weight": "heavy"},
        {**BODY, "title": "x" * 201},
        {**BODY, "levels": {**LEVELS, "3": "Beyond"}},
        {**BODY, "levels": ["a", "b"]},
        {"levels": LEVELS},
    ],
)
def test_bad_types_are_422(db: None, body: dict[str, object]) -> None:
    episode = make_episode()
    url = f"/api/v1/episodes/{episode.pk}/goals"
    response = _send(logged_in(episode.client), "POST", url, body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert Goal.objects.count() == 0


@pytest.mark.parametrize(
    ("level", "status"), [(3, 400), (-3, 400), ("1", 422), (1.5, 422), (True, 422), (None, 422)]
)
def test_rating_levels_outside_the_scale_are_refused(db: None, level: object, status: int) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    response = _send(
        logged_in(episode.client),
        "POST",
        f"/api/v1/goals/{goal.pk}/ratings",
        {"level": level, "submission_key": "abcdefgh1"},
    )
    assert response.status_code == status
    if status == 400:
        assert response.json()["code"] == "invalid_level"
        assert "−2 to +2" in response.json()["detail"]
    assert GoalRating.objects.count() == 0


def test_rating_a_proposed_goal_is_a_conflict(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    response = _send(
        logged_in(episode.client),
        "POST",
        f"/api/v1/goals/{goal.pk}/ratings",
        {"level": 0, "submission_key": "abcdefgh1"},
    )
    assert (response.status_code, response.json()["code"]) == (409, "goal_not_agreed")


def test_other_peoples_goals_are_404(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    http = logged_in(make_therapist(clinic=episode.clinic))
    calls = [
        ("GET", f"/api/v1/episodes/{episode.pk}/goals", None),
        ("POST", f"/api/v1/episodes/{episode.pk}/goals", BODY),
        ("POST", f"/api/v1/goals/{goal.pk}/accept", None),
        ("PATCH", f"/api/v1/goals/{goal.pk}", {"title": "Mine now"}),
        ("POST", f"/api/v1/goals/{goal.pk}/ratings", {"level": 0, "submission_key": "abcdefgh1"}),
        ("POST", f"/api/v1/goals/{goal.pk}/retire", None),
        ("POST", "/api/v1/goals/999999/retire", None),
    ]
    for method, url, body in calls:
        response = _send(http, method, url, body)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    goal.refresh_from_db()
    assert (goal.state, goal.title, Goal.objects.count()) == (GoalState.AGREED, goal.title, 1)
    assert GoalRating.objects.count() == 0


def test_anonymous_gets_401(db: None) -> None:
    episode = make_episode()
    assert Client().get(f"/api/v1/episodes/{episode.pk}/goals").status_code == 401
