"""The goals page and its small POST endpoints, as the client and the therapist use them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alliance.care.models import EpisodeState
from alliance.goals.models import Goal, GoalRating, GoalState
from alliance.goals.tests.factories import (
    LEVELS,
    logged_in,
    make_agreed_goal,
    make_episode,
    make_goal,
)
from tests.factories import make_client, make_therapist

FIELDS = {
    "-2": "level_minus_2",
    "-1": "level_minus_1",
    "0": "level_0",
    "1": "level_plus_1",
    "2": "level_plus_2",
}


def _form(title: str = "Sleep through the night", **extra: str) -> dict[str, str]:
    data = {"title": title, "weight": "2", "review_on": ""}
    data |= {FIELDS[key]: text for key, text in LEVELS.items()}
    return data | extra


def _key(page: str, goal: Goal) -> str:
    form = page[page.index(reverse("goal-rate", args=[goal.pk])) :]
    return re.search(r'name="submission_key" value="([0-9a-f]+)"', form).group(1)  # type: ignore[union-attr]


def test_therapist_proposes_client_accepts_and_rates(db: None) -> None:
    episode = make_episode()
    therapist, client = logged_in(episode.therapist), logged_in(episode.client)
    page_url = reverse("episode-goals", args=[episode.pk])

    first = therapist.get(page_url)
    assert first.status_code == 200
    assert "No goals yet." in first.content.decode()
    assert "When it's time to stop" in first.content.decode()

    done = therapist.post(reverse("goal-propose", args=[episode.pk]), _form())
    assert done.status_code == 302
    assert done["Location"] == page_url
    goal = Goal.objects.get()
    assert (goal.state, goal.weight, goal.levels) == (GoalState.PROPOSED, 2, LEVELS)
    own_view = therapist.get(page_url).content.decode()
    assert "Waiting for" in own_view
    assert "Accept this goal" not in own_view
    for text in LEVELS.values():
        assert text in own_view

    client_view = client.get(page_url).content.decode()
    assert "Accept this goal" in client_view
    assert f"{episode.therapist.full_name} (therapist)" in client_view
    accepted = client.post(reverse("goal-accept", args=[goal.pk]), {"version": "1"})
    assert accepted.status_code == 302
    goal.refresh_from_db()
    assert (goal.state, goal.agreed_by) == (GoalState.AGREED, episode.client)

    page = client.get(page_url).content.decode()
    assert "Not rated yet:" in page  # no T-score until every agreed goal is rated
    rated = client.post(
        reverse("goal-rate", args=[goal.pk]), {"level": "1", "submission_key": _key(page, goal)}
    )
    assert rated.status_code == 302
    assert GoalRating.objects.get().level == 1
    page = client.get(page_url).content.decode()
    assert "Latest rating: <strong>+1 (somewhat more than expected)</strong>, by you" in page
    assert '<p class="stat-number">60.0</p>' in page
    assert "50 means that, taken together, the goals are where you expected them" in page
    therapist_view = therapist.get(page_url).content.decode()
    assert f"by {episode.client.full_name} (client)" in therapist_view


def test_accepting_your_own_proposal_shows_the_reason_with_status_400(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    response = logged_in(episode.therapist).post(reverse("goal-accept", args=[goal.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "the other side needs to agree it" in page
    assert Goal.objects.get().state == GoalState.PROPOSED


def test_a_bad_proposal_shows_the_form_again_with_its_errors(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.client)
    response = http.post(
        reverse("goal-propose", args=[episode.pk]),
        _form(title="", level_plus_2="", weight="12"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="error"') == 3
    assert "Ensure this value is less than or equal to 9." in page
    assert Goal.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "3"}, "A rating is a level from −2 to +2; 3 is not one of them."),
        ({"level": "-5"}, "A rating is a level from −2 to +2; -5 is not one of them."),
        ({}, "Choose a level to rate the goal."),
        ({"level": "a lot"}, "Enter a whole number."),
    ],
)
def test_a_bad_rating_is_refused_with_status_400_and_nothing_stored(
    db: None, data: dict[str, str], message: str
) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    response = logged_in(episode.client).post(
        reverse("goal-rate", args=[goal.pk]), {"submission_key": "abcdefgh12", **data}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert GoalRating.objects.count() == 0


def test_editing_an_agreed_goal_asks_the_other_side_again(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    http = logged_in(episode.client)
    edit_url = reverse("goal-edit", args=[goal.pk])
    form = http.get(edit_url)
    assert form.status_code == 200
    assert 'value="Asleep within an hour on most nights"' in form.content.decode()
    assert "counts again only once" in form.content.decode()

    bad = http.post(edit_url, _form(title="x" * 201))
    assert bad.status_code == 400
    assert Goal.objects.get().version == 1

    saved = http.post(edit_url, _form(title="Sleep six hours a night"))
    assert saved.status_code == 302
    goal.refresh_from_db()
    assert (goal.state, goal.version, goal.title) == (
        GoalState.PROPOSED,
        2,
        "Sleep six hours a night",
    )
    therapist_view = logged_in(episode.therapist).get(reverse("episode-goals", args=[episode.pk]))
    assert "Accept this goal" in therapist_view.content.decode()


def test_retire_from_the_page(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    http = logged_in(episode.therapist)
    assert http.post(reverse("goal-retire", args=[goal.pk])).status_code == 302
    assert Goal.objects.get().state == GoalState.RETIRED
    page = http.get(reverse("episode-goals", args=[episode.pk])).content.decode()
    assert "Retired goals (1)" in page
    again = http.post(reverse("goal-retire", args=[goal.pk]))
    assert again.status_code == 400
    assert "retired" in again.content.decode()


def test_a_closed_episode_shows_its_goals_without_forms(db: None) -> None:
    episode = make_episode()
    goal = make_agreed_goal(episode)
    episode.state = EpisodeState.ENDED
    episode.save()
    http = logged_in(episode.client)
    page = http.get(reverse("episode-goals", args=[episode.pk])).content.decode()
    assert goal.title in page
    assert "can no longer change" in page
    assert "Propose this goal" not in page
    assert "Save rating" not in page
    refused = http.post(
        reverse("goal-rate", args=[goal.pk]), {"level": "1", "submission_key": "abcdefgh12"}
    )
    assert refused.status_code == 400
    assert "This episode has ended" in refused.content.decode()


def test_outsiders_get_404_everywhere(db: None) -> None:
    episode = make_episode()
    goal = make_goal(episode)
    outsiders = [make_therapist(clinic=episode.clinic), make_client(clinic=episode.clinic)]
    for outsider in outsiders:
        http = logged_in(outsider)
        assert http.get(reverse("episode-goals", args=[episode.pk])).status_code == 404
        assert http.get(reverse("goal-edit", args=[goal.pk])).status_code == 404
        assert http.post(reverse("goal-propose", args=[episode.pk]), _form()).status_code == 404
        for name in ("goal-accept", "goal-retire"):
            assert http.post(reverse(name, args=[goal.pk])).status_code == 404
    assert Goal.objects.get().state == GoalState.PROPOSED
