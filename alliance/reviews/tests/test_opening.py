"""A fit review opens after the third held session (Alliance's own rule), once; the client can ask
for one at any time."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from alliance.accounts.actions import scheduler_actor
from alliance.audit.models import AuditEvent
from alliance.care.models import Episode, EpisodeState
from alliance.core.errors import Conflict, NotFound, PermissionDenied
from alliance.reviews.actions import do_open_due_review, do_request_fit_review
from alliance.reviews.models import DueReason, FitReview
from alliance.reviews.tests.factories import NOW, hold_sessions, logged_in, placed
from tests.factories import make_client, make_therapist

pytestmark = pytest.mark.django_db


@time_machine.travel(NOW, tick=False)
def test_no_review_before_the_third_held_session() -> None:
    pairing = placed(n_held=2)
    assert do_open_due_review(pairing.therapist, episode=pairing.episode, now=NOW) is None
    assert not FitReview.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_third_held_session_opens_one_review_and_only_once() -> None:
    pairing = placed(n_held=3, recorded=False)
    review = do_open_due_review(pairing.therapist, episode=pairing.episode, now=NOW)
    assert review is not None
    assert (review.due_reason, review.opened_at, review.is_open) == (DueReason.SESSIONS, NOW, True)
    assert do_open_due_review(pairing.therapist, episode=pairing.episode, now=NOW) is None
    hold_sessions(pairing.episode, 1, first=NOW, recorded=False)
    assert (
        do_open_due_review(pairing.therapist, episode=pairing.episode, now=NOW) is None
    )  # a review already exists
    assert FitReview.objects.count() == 1
    event = AuditEvent.objects.get(action="reviews.fit_review.opened")
    assert event.actor == pairing.therapist
    assert event.data == {
        "episode": pairing.episode.pk,
        "due_reason": "sessions",
        "n_sessions_held": 3,
    }


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("state", [EpisodeState.PAUSED, EpisodeState.ENDED])
def test_no_review_opens_for_an_episode_that_is_not_running(state: str) -> None:
    pairing = placed(n_held=3)
    Episode.objects.filter(pk=pairing.episode.pk).update(state=state)
    assert do_open_due_review(pairing.therapist, episode=pairing.episode, now=NOW) is None


@time_machine.travel(NOW, tick=False)
def test_recording_the_third_session_opens_the_due_review() -> None:
    pairing = placed(n_held=3)  # the third is recorded: care.session_changed opens the review
    page = logged_in(pairing.client).get(reverse("fit-review", args=[pairing.episode.pk]))
    assert page.status_code == 200
    assert "How is it going with" in page.content.decode()
    assert FitReview.objects.get().episode == pairing.episode
    opened = AuditEvent.objects.get(action="reviews.fit_review.opened")
    assert opened.actor == pairing.therapist  # who recorded the session


@time_machine.travel(NOW, tick=False)
def test_the_command_opens_every_due_review_once() -> None:
    # Sessions recorded another way (an import): the command catches what no hook announced.
    due, early = placed(n_held=4, recorded=False), placed(n_held=1, recorded=False)
    out = StringIO()
    call_command("reviews", "open-due", stdout=out)
    assert "1 fit review opened" in out.getvalue()
    assert list(FitReview.objects.values_list("episode", flat=True)) == [due.episode.pk]
    opened = AuditEvent.objects.get(action="reviews.fit_review.opened")
    assert opened.actor == scheduler_actor()
    out = StringIO()
    call_command("reviews", "open-due", stdout=out)
    assert "0 fit reviews opened" in out.getvalue()
    assert not FitReview.objects.filter(episode=early.episode).exists()


@time_machine.travel(NOW, tick=False)
def test_the_client_can_ask_for_a_review_at_any_time() -> None:
    pairing = placed(n_held=0)
    response = logged_in(pairing.client).post(
        reverse("fit-review-request", args=[pairing.episode.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("fit-review", args=[pairing.episode.pk])
    review = FitReview.objects.get()
    assert review.due_reason == DueReason.CLIENT_REQUEST
    again = do_request_fit_review(pairing.client, episode=pairing.episode)
    assert again == review  # one open review per episode
    assert AuditEvent.objects.filter(action="reviews.fit_review.opened").count() == 1


@time_machine.travel(NOW, tick=False)
def test_only_the_client_asks_and_only_while_the_work_goes_on() -> None:
    pairing = placed(n_held=0)
    with pytest.raises(PermissionDenied):
        do_request_fit_review(pairing.therapist, episode=pairing.episode)
    stranger = make_therapist(clinic=pairing.clinic)
    with pytest.raises(NotFound):
        do_request_fit_review(stranger, episode=pairing.episode)
    Episode.objects.filter(pk=pairing.episode.pk).update(state=EpisodeState.ENDED)
    with pytest.raises(Conflict, match="ended"):
        do_request_fit_review(pairing.client, episode=pairing.episode)
    assert not FitReview.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_someone_elses_episode_is_not_found() -> None:
    pairing = placed(n_held=3, recorded=False)
    other_client = make_client(clinic=pairing.clinic)
    http = logged_in(other_client)
    assert http.get(reverse("fit-review", args=[pairing.episode.pk])).status_code == 404
    assert http.post(reverse("fit-review-request", args=[pairing.episode.pk])).status_code == 404
    assert not FitReview.objects.exists()  # the 404 came before anything was opened
