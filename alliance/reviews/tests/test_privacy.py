"""The client's ratings, choice and text are theirs: the therapist's page and API show only that
the client completed the review, the adjust text when shared, and a kind re-match notice."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from alliance.reviews.actions import do_request_fit_review, do_submit_fit_review
from alliance.reviews.models import Choice, FitReview
from alliance.reviews.tests.factories import NOW, logged_in, placed
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

SECRET = "I feel judged when we talk about my mother"
# Ratings the therapist must never see: 0 and 1 appear nowhere else on the therapist's page.
PRIVATE = {"going": 0, "style": 1, "goals": 0}


def _client_answers(pairing, choice: str, **extra: object) -> None:
    do_request_fit_review(pairing.client, episode=pairing.episode)
    do_submit_fit_review(
        pairing.client, episode=pairing.episode, answers={**PRIVATE, "choice": choice, **extra}
    )


def _therapist_sees(pairing) -> tuple[str, dict]:
    http = logged_in(pairing.therapist)
    page = http.get(reverse("fit-review", args=[pairing.episode.pk]))
    api = http.get(reverse("api:get_fit_review", args=[pairing.episode.pk]))
    assert (page.status_code, api.status_code) == (200, 200)
    return page.content.decode(), api.json()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("choice", [Choice.CONTINUE, Choice.ADJUST])
def test_the_therapist_sees_only_that_the_client_completed_it(choice: str) -> None:
    pairing = placed(n_held=3)
    _client_answers(pairing, choice, adjust_what=SECRET, share_adjust=False)
    page, api = _therapist_sees(pairing)
    assert "has completed their side" in page
    for hidden in (SECRET, "Carry on", "Look for a different fit", "of 4"):
        assert hidden not in page
    assert api["client_completed"] is True
    assert api["client_answers"] is None and api["outcome"] is None
    assert api["shared_adjust"] == "" and api["rematch_notice"] == ""
    assert SECRET not in str(api) and "choice" not in str(api)


@time_machine.travel(NOW, tick=False)
def test_shared_adjust_text_reaches_the_therapist_without_the_ratings() -> None:
    pairing = placed(n_held=3)
    _client_answers(pairing, Choice.ADJUST, adjust_what=SECRET, share_adjust=True)
    page, api = _therapist_sees(pairing)
    assert SECRET in page
    assert api["shared_adjust"] == SECRET
    assert api["client_answers"] is None
    assert "of 4" not in page


@time_machine.travel(NOW, tick=False)
def test_a_rematch_is_told_kindly_and_without_the_answers() -> None:
    pairing = placed(n_held=3)
    _client_answers(pairing, Choice.REMATCH)
    page, api = _therapist_sees(pairing)
    notice = (
        "Asha has decided to look for a different fit. This happens, and it's not a judgement "
        "of your work."
    )
    assert api["rematch_notice"] == notice
    assert "Asha has decided to look for a different fit." in page
    assert "not a judgement of your work" in page.replace("&#x27;", "'")
    assert api["client_answers"] is None and api["outcome"] is None
    assert "of 4" not in page


@time_machine.travel(NOW, tick=False)
def test_the_client_does_not_see_the_therapists_answers() -> None:
    pairing = placed(n_held=3)
    do_request_fit_review(pairing.client, episode=pairing.episode)
    do_submit_fit_review(
        pairing.therapist,
        episode=pairing.episode,
        answers={"going": 1, "style": 1, "goals": 1, "note": "Struggling to connect"},
    )
    http = logged_in(pairing.client)
    page = http.get(reverse("fit-review", args=[pairing.episode.pk])).content.decode()
    api = http.get(reverse("api:get_fit_review", args=[pairing.episode.pk])).json()
    assert "Struggling to connect" not in page and "Struggling" not in str(api)
    assert api["therapist_answers"] is None and api["therapist_completed"] is True


@time_machine.travel(NOW, tick=False)
def test_free_text_is_encrypted_at_rest() -> None:
    pairing = placed(n_held=3)
    _client_answers(pairing, Choice.ADJUST, adjust_what=SECRET, share_adjust=True)
    review = FitReview.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT adjust_what FROM reviews_fitreview WHERE id = %s", [review.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and SECRET not in stored


@time_machine.travel(NOW, tick=False)
def test_staff_do_not_read_fit_reviews() -> None:
    pairing = placed(n_held=3)
    _client_answers(pairing, Choice.CONTINUE)
    staff = logged_in(make_staff(clinic=pairing.clinic))
    assert staff.get(reverse("fit-review", args=[pairing.episode.pk])).status_code == 404
    assert staff.get(reverse("api:get_fit_review", args=[pairing.episode.pk])).status_code == 404
