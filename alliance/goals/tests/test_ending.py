"""The "When it's time to stop" card: the current frame's criteria against goals and check-ins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import include, path, reverse

from alliance.goals.tests.factories import (
    check_in,
    logged_in,
    make_agreed_goal,
    make_episode,
    make_frame,
    rate,
)
from alliance.measures.actions import do_correct_response

NOW = dt.datetime(2026, 11, 2, 18, tzinfo=dt.UTC)
MET = "Your agreed criteria for ending are met: talk about a planned ending at your next session"
LOW = {"checkin-bond": 1, "checkin-goals": 1, "checkin-collaboration": 1, "checkin-frame": 1}


def _episode_end(request: HttpRequest, episode_id: int) -> HttpResponse:
    return HttpResponse("ending")


# The care app adds "episode-end"; this stand-in lets the link be tested either way.
urlpatterns = [
    path("", include("alliance.urls")),
    path("test-only/episodes/<int:episode_id>/end/", _episode_end, name="episode-end"),
]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _weekly_check_ins(episode, answers=None, weeks: int = 4):
    return [
        check_in(episode, NOW - dt.timedelta(weeks=n, hours=9), answers)
        for n in range(weeks, -1, -1)
    ]


def _page(user, episode) -> str:
    response = logged_in(user).get(reverse("episode-goals", args=[episode.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_frame_means_no_criteria_yet(db: None) -> None:
    episode = make_episode()
    page = _page(episode.client, episode)
    assert "No criteria for ending have been agreed yet." in page
    assert MET not in page


def test_criteria_met_shows_the_banner(db: None) -> None:
    episode = make_episode()
    make_frame(episode, goal_level=0, stable_weeks=4)
    rate(make_agreed_goal(episode), 0)
    rate(make_agreed_goal(episode, title="Go back to the gym"), 1)
    _weekly_check_ins(episode)
    page = _page(episode.client, episode)
    assert "every agreed goal at level 0 or better, and check-ins steady for 4 weeks" in page
    assert MET in page
    assert "All 2 agreed goals are at the expected level or better." in page
    assert "Check-ins have been steady for 4 weeks (all 12 out of 16)." in page


@override_settings(ROOT_URLCONF=__name__)
def test_the_therapist_gets_a_link_to_plan_the_ending(db: None) -> None:
    episode = make_episode()
    make_frame(episode)
    rate(make_agreed_goal(episode), 1)
    _weekly_check_ins(episode)
    link = f'href="{reverse("episode-end", args=[episode.pk])}"'
    assert link in _page(episode.therapist, episode)
    client_page = _page(episode.client, episode)
    assert MET in client_page
    assert link not in client_page


def test_a_goal_below_the_agreed_level_is_not_met(db: None) -> None:
    episode = make_episode()
    make_frame(episode, goal_level=1)
    rate(make_agreed_goal(episode), 0)
    _weekly_check_ins(episode)
    page = _page(episode.therapist, episode)
    assert MET not in page
    assert "Not yet." in page
    assert "is at 0; the agreed level is +1." in page
    assert "Check-ins have been steady" in page


def test_unsteady_check_ins_are_not_met(db: None) -> None:
    episode = make_episode()
    make_frame(episode)
    rate(make_agreed_goal(episode), 2)
    _weekly_check_ins(episode)
    check_in(episode, NOW - dt.timedelta(days=3), LOW)
    page = _page(episode.client, episode)
    assert MET not in page
    assert "The lowest check-in in the last 4 weeks was 4 out of 16" in page


def test_a_corrected_check_in_counts_with_its_correction(db: None) -> None:
    episode = make_episode()
    make_frame(episode)
    rate(make_agreed_goal(episode), 0)
    _weekly_check_ins(episode)
    wrong = check_in(episode, NOW - dt.timedelta(days=3), LOW)
    assert MET not in _page(episode.client, episode)
    do_correct_response(
        episode.client,
        original=wrong,
        answers={
            "checkin-bond": 3,
            "checkin-goals": 3,
            "checkin-collaboration": 3,
            "checkin-frame": 3,
        },
        reason="tapped the wrong row",
        submission_key="correct-1",
    )
    assert MET in _page(episode.client, episode)


def test_unrated_goals_and_no_goals_are_not_met(db: None) -> None:
    episode = make_episode()
    make_frame(episode)
    _weekly_check_ins(episode)
    assert "No goals have been agreed yet" in _page(episode.client, episode)
    make_agreed_goal(episode)
    page = _page(episode.client, episode)
    assert "has not been rated yet." in page
    assert MET not in page
