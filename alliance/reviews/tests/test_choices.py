"""What the client's choice does: carry on (trial → active), adjust, or look for a different
fit (a new search, pre-filled, never proposing the current therapist). Bad input stores
nothing."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from alliance.audit.models import AuditEvent
from alliance.care.models import Episode, EpisodeState
from alliance.core.errors import Conflict, InvalidInput
from alliance.matching.models import Intake, IntakeStatus
from alliance.reviews.actions import do_request_fit_review, do_submit_fit_review
from alliance.reviews.models import Choice, FitReview, Outcome
from alliance.reviews.tests.factories import CLIENT_ANSWERS, NOW, logged_in, placed
from tests.factories import make_client

pytestmark = pytest.mark.django_db


def _answer(pairing, choice: str, **extra: object) -> FitReview:
    return do_submit_fit_review(
        pairing.client,
        episode=pairing.episode,
        answers={**CLIENT_ANSWERS, "choice": choice, **extra},
    )


@time_machine.travel(NOW, tick=False)
def test_carrying_on_makes_the_trial_active_and_closes_the_review() -> None:
    pairing = placed(n_held=3)
    http = logged_in(pairing.client)
    http.get(reverse("fit-review", args=[pairing.episode.pk]))
    response = http.post(
        reverse("fit-review", args=[pairing.episode.pk]),
        {"going": "3", "style": "4", "goals": "3", "choice": "continue"},
    )
    assert response.status_code == 302
    pairing.episode.refresh_from_db()
    assert pairing.episode.state == EpisodeState.ACTIVE
    review = FitReview.objects.get()
    assert (review.outcome, review.closed_at, review.client_going) == (Outcome.CONTINUED, NOW, 3)
    assert not Intake.objects.filter(rematch_from__isnull=False).exists()
    event = AuditEvent.objects.get(action="reviews.fit_review.client_submitted")
    assert event.data == {"choice": "continue", "shared": False}  # codes, never the ratings


@time_machine.travel(NOW, tick=False)
def test_adjusting_keeps_the_episode_as_it_is_and_closes_the_review() -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    review = _answer(pairing, Choice.ADJUST, adjust_what="Slower, please.", share_adjust=True)
    pairing.episode.refresh_from_db()
    assert pairing.episode.state == EpisodeState.TRIAL
    assert (review.outcome, review.adjust_what, review.share_adjust) == (
        Outcome.ADJUSTED,
        "Slower, please.",
        True,
    )
    assert not review.is_open


@time_machine.travel(NOW, tick=False)
def test_rematch_opens_a_prefilled_search_without_the_current_therapist() -> None:
    pairing = placed(n_held=3)
    pairing.intake.exclude.add(make_client(clinic=pairing.clinic))  # ignored: not a therapist
    http = logged_in(pairing.client)
    http.get(reverse("fit-review", args=[pairing.episode.pk]))
    response = http.post(
        reverse("fit-review", args=[pairing.episode.pk]),
        {**{k: str(v) for k, v in CLIENT_ANSWERS.items()}, "choice": "rematch"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("matches")
    search = Intake.objects.get(status=IntakeStatus.SUBMITTED)
    for field in (
        "concerns",
        "languages",
        "format",
        "city",
        "max_fee",
        "times",
        "styles",
        "professions",
        "therapist_gender",
    ):
        assert getattr(search, field) == getattr(pairing.intake, field), field
    assert search.rematch_from == pairing.episode
    assert pairing.therapist in search.exclude.all()
    pairing.episode.refresh_from_db()
    assert pairing.episode.state == EpisodeState.TRIAL  # unchanged until a new booking
    page = http.get(reverse("matches")).content.decode()
    assert escape(pairing.other.user.full_name) in page
    assert f'href="{reverse("book", args=[pairing.therapist.therapist_profile.pk])}"' not in page
    assert "You keep working with" in page
    assert AuditEvent.objects.filter(action="reviews.rematch.started").count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_current_therapist_cannot_be_booked_from_a_rematch() -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    _answer(pairing, Choice.REMATCH)
    profile = pairing.therapist.therapist_profile
    profile.capacity = 5
    profile.save()
    profile.slots.create(weekday=3, start="20:00", minutes=50)
    response = logged_in(pairing.client).post(
        reverse("book", args=[profile.pk]),
        {"slot": profile.slots.get(start="20:00").pk, "kind": "first_session"},
    )
    assert response.status_code == 409
    assert "does not fit" in response.content.decode()
    assert Episode.objects.get(client=pairing.client) == pairing.episode


@time_machine.travel(NOW, tick=False)
def test_no_other_therapist_available_says_so_and_changes_nothing() -> None:
    pairing = placed(n_held=3, other_slots=())
    http = logged_in(pairing.client)
    http.get(reverse("fit-review", args=[pairing.episode.pk]))
    http.post(
        reverse("fit-review", args=[pairing.episode.pk]),
        {**{k: str(v) for k, v in CLIENT_ANSWERS.items()}, "choice": "rematch"},
    )
    page = http.get(reverse("matches")).content.decode()
    assert "No other therapist is available right now" in page
    assert "Nothing has changed" in page
    pairing.episode.refresh_from_db()
    assert (pairing.episode.state, pairing.episode.ended_on) == (EpisodeState.TRIAL, None)
    assert Episode.objects.filter(client=pairing.client).count() == 1


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ({**CLIENT_ANSWERS, "going": 5, "choice": "continue"}, "rating_out_of_range"),
        ({**CLIENT_ANSWERS, "style": -1, "choice": "continue"}, "rating_out_of_range"),
        ({**CLIENT_ANSWERS, "goals": True, "choice": "continue"}, "rating_invalid"),
        ({"going": 2, "style": 2, "choice": "continue"}, "rating_missing"),
        ({**CLIENT_ANSWERS, "choice": "quit"}, "unknown_choice"),
        ({**CLIENT_ANSWERS, "choice": "adjust", "adjust_what": "x" * 501}, "too_long"),
        ({**CLIENT_ANSWERS, "choice": "continue", "note": "mine"}, "therapist_only"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(answers: dict, code: str) -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    with pytest.raises(InvalidInput) as caught:
        do_submit_fit_review(pairing.client, episode=pairing.episode, answers=answers)
    assert caught.value.code == code
    review = FitReview.objects.get()
    assert (review.client_submitted_at, review.client_going, review.is_open) == (None, None, True)


@time_machine.travel(NOW, tick=False)
def test_submitting_twice_is_refused() -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    _answer(pairing, Choice.ADJUST, adjust_what="More structure")
    with pytest.raises(Conflict) as caught:
        _answer(pairing, Choice.REMATCH)
    assert caught.value.code == "already_submitted"
    assert FitReview.objects.get().client_choice == Choice.ADJUST
    assert not Intake.objects.filter(rematch_from__isnull=False).exists()
    therapist_answers = {**CLIENT_ANSWERS, "note": "Going well"}
    do_submit_fit_review(pairing.therapist, episode=pairing.episode, answers=therapist_answers)
    with pytest.raises(Conflict):
        do_submit_fit_review(pairing.therapist, episode=pairing.episode, answers=therapist_answers)


@time_machine.travel(NOW, tick=False)
def test_the_page_shows_a_bad_rating_as_a_form_error() -> None:
    pairing = placed(n_held=3)
    http = logged_in(pairing.client)
    http.get(reverse("fit-review", args=[pairing.episode.pk]))
    response = http.post(
        reverse("fit-review", args=[pairing.episode.pk]),
        {"going": "7", "style": "2", "goals": "2", "choice": "continue"},
    )
    assert response.status_code == 400
    assert "Some answers are missing or not valid" in response.content.decode()
    assert FitReview.objects.get().client_submitted_at is None


@time_machine.travel(NOW, tick=False)
def test_the_api_answers_and_refuses_like_the_page() -> None:
    pairing = placed(n_held=3)
    http = logged_in(pairing.client)
    url = reverse("api:submit_fit_review", args=[pairing.episode.pk])
    assert http.get(reverse("api:get_fit_review", args=[pairing.episode.pk])).status_code == 200
    bad = http.post(
        url,
        json.dumps({**CLIENT_ANSWERS, "going": 9, "choice": "continue"}),
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "rating_out_of_range")
    good = http.post(
        url, json.dumps({**CLIENT_ANSWERS, "choice": "continue"}), content_type="application/json"
    )
    assert good.status_code == 200
    body = good.json()
    assert body["client_answers"]["choice"] == "continue"
    assert body["outcome"] == "continued"
    again = http.post(
        url, json.dumps({**CLIENT_ANSWERS, "choice": "continue"}), content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_submitted")
    stranger = logged_in(make_client(clinic=pairing.clinic))
    assert stranger.get(reverse("api:get_fit_review", args=[pairing.episode.pk])).status_code == 404
    assert (
        stranger.post(
            url,
            json.dumps({**CLIENT_ANSWERS, "choice": "continue"}),
            content_type="application/json",
        ).status_code
        == 404
    )


@time_machine.travel(NOW, tick=False)
def test_carrying_on_in_a_later_review_withdraws_the_rematch_search() -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    _answer(pairing, Choice.REMATCH)
    search = Intake.objects.get(rematch_from=pairing.episode)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    _answer(pairing, Choice.CONTINUE)
    search.refresh_from_db()
    assert search.status == IntakeStatus.WITHDRAWN
    pairing.episode.refresh_from_db()
    assert pairing.episode.state == EpisodeState.ACTIVE
    assert AuditEvent.objects.filter(action="reviews.rematch.withdrawn").count() == 1
