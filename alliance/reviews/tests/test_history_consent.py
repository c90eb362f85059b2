"""After a re-match the client decides whether the new therapist may read the earlier episode's
measures and goals: granted, read-only, revocable at any time, audited."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import Episode
from alliance.core.errors import Conflict, PermissionDenied
from alliance.matching.actions import do_book_slot
from alliance.matching.models import Intake, IntakeStatus
from alliance.measures import registry
from alliance.measures.access import get_responses_for_user
from alliance.measures.actions import do_submit_response
from alliance.reviews.access import consented_episode_ids
from alliance.reviews.actions import (
    do_grant_history_consent,
    do_request_fit_review,
    do_revoke_history_consent,
    do_submit_fit_review,
)
from alliance.reviews.models import HistoryConsent
from alliance.reviews.tests.factories import CLIENT_ANSWERS, NOW, logged_in, placed

pytestmark = pytest.mark.django_db

CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}
NOTE_TO_SELF = "Felt rushed at the end"


def _moved():
    """A client who answered check-ins with their first therapist, re-matched and booked a
    first session with another: returns the pairing, the earlier and the new episode."""
    pairing = placed(n_held=3)
    do_submit_response(
        pairing.client,
        instrument_id="alliance-checkin-client",
        answers={**CHECK_IN, "checkin-not-working": NOTE_TO_SELF},
        client=pairing.client,
        episode=pairing.episode,
        submission_key="old-checkin",
    )
    therapist_items = registry.get_key("alliance-checkin-therapist").scored_items
    do_submit_response(
        pairing.therapist,
        instrument_id="alliance-checkin-therapist",
        answers={item.link_id: 3 for item in therapist_items},
        client=pairing.client,
        episode=pairing.episode,
        submission_key="old-therapist-checkin",
    )
    do_request_fit_review(pairing.client, episode=pairing.episode)
    do_submit_fit_review(
        pairing.client, episode=pairing.episode, answers={**CLIENT_ANSWERS, "choice": "rematch"}
    )
    intake = Intake.objects.get(client=pairing.client, status=IntakeStatus.SUBMITTED)
    do_book_slot(
        pairing.client,
        intake=intake,
        profile=pairing.other,
        slot=pairing.other.slots.get(),
        kind="first_session",
    )
    new = Episode.objects.get(client=pairing.client, therapist=pairing.other.user)
    return pairing, pairing.episode, new


def _old_responses_seen_by(user, earlier: Episode) -> int:
    return get_responses_for_user(user).filter(episode=earlier).count()


@time_machine.travel(NOW, tick=False)
def test_consent_gates_the_new_therapists_access_to_earlier_answers() -> None:
    pairing, earlier, new = _moved()
    newcomer = pairing.other.user
    assert _old_responses_seen_by(newcomer, earlier) == 0
    page = logged_in(newcomer).get(reverse("history-consent", args=[new.pk])).content.decode()
    assert "have not chosen to share" in page

    http = logged_in(pairing.client)
    assert (
        http.post(reverse("history-consent", args=[new.pk]), {"action": "grant"}).status_code == 302
    )
    consent = HistoryConsent.objects.get()
    assert (consent.from_episode, consent.to_episode, consent.is_live) == (earlier, new, True)
    assert consented_episode_ids(newcomer, pairing.client) == {earlier.pk}
    # Only the client's own answers: the earlier therapist's check-ins stay theirs.
    assert _old_responses_seen_by(newcomer, earlier) == 1
    page = logged_in(newcomer).get(reverse("history-consent", args=[new.pk])).content.decode()
    assert "Shared by Asha, read-only" in page
    api = logged_in(newcomer).get(reverse("api:list_responses") + f"?episode_id={earlier.pk}")
    assert [r["respondent_role"] for r in api.json()] == ["client"]

    assert (
        http.post(reverse("history-consent", args=[new.pk]), {"action": "revoke"}).status_code
        == 302
    )
    assert _old_responses_seen_by(newcomer, earlier) == 0
    assert consented_episode_ids(newcomer) == set()
    assert (
        logged_in(newcomer).get(reverse("api:list_responses") + f"?episode_id={earlier.pk}").json()
        == []
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="reviews.history").values_list(
            "action", "data"
        )
    )
    assert actions == [
        ("reviews.history.granted", {"from_episode": earlier.pk, "to_episode": new.pk}),
        ("reviews.history.revoked", {"from_episode": earlier.pk, "to_episode": new.pk}),
    ]


@time_machine.travel(NOW, tick=False)
def test_shared_answers_stay_read_only_for_the_new_therapist() -> None:
    pairing, earlier, new = _moved()
    do_grant_history_consent(pairing.client, episode=new)
    response = get_responses_for_user(pairing.other.user).get(episode=earlier)
    correction = logged_in(pairing.other.user).post(
        reverse("api:correct_response", args=[response.pk]),
        json.dumps({"answers": CHECK_IN, "reason": "typo", "submission_key": "correction-1"}),
        content_type="application/json",
    )
    assert correction.status_code == 403


@time_machine.travel(NOW, tick=False)
def test_nobody_else_gains_access_through_a_consent() -> None:
    pairing, earlier, new = _moved()
    do_grant_history_consent(pairing.client, episode=new)
    colleague = placed().therapist  # a therapist in another clinic
    assert _old_responses_seen_by(colleague, earlier) == 0
    assert consented_episode_ids(pairing.therapist) == set()  # the earlier therapist
    assert consented_episode_ids(pairing.client) == set()


@time_machine.travel(NOW, tick=False)
def test_only_the_client_grants_and_not_twice() -> None:
    pairing, _earlier, new = _moved()
    with pytest.raises(PermissionDenied):
        do_grant_history_consent(pairing.other.user, episode=new)
    do_grant_history_consent(pairing.client, episode=new)
    with pytest.raises(Conflict) as caught:
        do_grant_history_consent(pairing.client, episode=new)
    assert caught.value.code == "already_granted"
    do_revoke_history_consent(pairing.client, episode=new)
    with pytest.raises(Conflict) as caught:
        do_revoke_history_consent(pairing.client, episode=new)
    assert caught.value.code == "not_granted"
    do_grant_history_consent(pairing.client, episode=new)  # again, any time
    assert HistoryConsent.objects.filter(revoked_at__isnull=True).count() == 1
    assert HistoryConsent.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_without_an_earlier_rematch_there_is_nothing_to_share() -> None:
    pairing = placed(n_held=3)
    with pytest.raises(Conflict) as caught:
        do_grant_history_consent(pairing.client, episode=pairing.episode)
    assert caught.value.code == "no_earlier_episode"
    page = logged_in(pairing.client).get(reverse("history-consent", args=[pairing.episode.pk]))
    assert "There is no earlier therapy here to share" in page.content.decode()
    assert not HistoryConsent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_api_grants_and_revokes() -> None:
    pairing, earlier, new = _moved()
    http = logged_in(pairing.client)
    status = http.get(reverse("api:get_history_consent", args=[new.pk])).json()
    assert status == {
        "episode_id": new.pk,
        "from_episode_id": earlier.pk,
        "shared": False,
        "granted_at": None,
    }
    granted = http.post(reverse("api:grant_history_consent", args=[new.pk]))
    assert granted.status_code == 201
    assert granted.json()["from_episode_id"] == earlier.pk
    revoked = http.post(reverse("api:revoke_history_consent", args=[new.pk]))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    refused = logged_in(pairing.other.user).post(
        reverse("api:grant_history_consent", args=[new.pk])
    )
    assert refused.status_code == 403
    outsider = logged_in(pairing.therapist)  # held the earlier episode, not this one
    assert outsider.post(reverse("api:grant_history_consent", args=[new.pk])).status_code == 404
