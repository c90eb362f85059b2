"""Booking a first session from a re-match search moves the client: the episode they leave ends
as transferred (reason rematch) and the new one starts, in one transaction."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import EndReason, Episode, EpisodeState
from alliance.core.errors import Conflict
from alliance.matching.actions import do_book_slot, do_save_intake
from alliance.matching.models import Intake, IntakeStatus, SlotBooking
from alliance.matching.tests.helpers import INTAKE
from alliance.reviews.actions import do_request_fit_review, do_submit_fit_review
from alliance.reviews.tests.factories import CLIENT_ANSWERS, NOW, logged_in, placed

pytestmark = pytest.mark.django_db


def _rematch(pairing) -> Intake:
    do_request_fit_review(pairing.client, episode=pairing.episode)
    do_submit_fit_review(
        pairing.client, episode=pairing.episode, answers={**CLIENT_ANSWERS, "choice": "rematch"}
    )
    return Intake.objects.get(client=pairing.client, status=IntakeStatus.SUBMITTED)


@time_machine.travel(NOW, tick=False)
def test_booking_a_first_session_transfers_the_client() -> None:
    pairing = placed(n_held=3)
    _rematch(pairing)
    old_slot = pairing.therapist.therapist_profile.slots.get()
    response = logged_in(pairing.client).post(
        reverse("book", args=[pairing.other.pk]),
        {"slot": pairing.other.slots.get().pk, "kind": "first_session"},
    )
    new = Episode.objects.get(client=pairing.client, therapist=pairing.other.user)
    assert response.status_code == 302
    assert response["Location"] == reverse("history-consent", args=[new.pk])
    old = Episode.objects.get(pk=pairing.episode.pk)
    assert (old.state, old.end_reason, old.ended_on) == (
        EpisodeState.TRANSFERRED,
        EndReason.REMATCH,
        NOW.date(),
    )
    assert new.state == EpisodeState.TRIAL
    assert (
        Episode.objects.filter(
            client=pairing.client, state__in=["trial", "active", "paused"]
        ).count()
        == 1
    )
    assert not SlotBooking.objects.filter(slot=old_slot, active=True).exists()  # free again
    assert Intake.objects.get(rematch_from=pairing.episode).status == IntakeStatus.PLACED
    event = AuditEvent.objects.get(action="matching.intake.transferred")
    assert event.data == {"from_episode": old.pk, "n_slots_released": 1}
    assert AuditEvent.objects.get(action="care.episode.ended").data["reason"] == "rematch"


@time_machine.travel(NOW, tick=False)
def test_an_intro_call_from_a_rematch_changes_no_episode() -> None:
    pairing = placed(n_held=3)
    intake = _rematch(pairing)
    do_book_slot(
        pairing.client,
        intake=intake,
        profile=pairing.other,
        slot=pairing.other.slots.get(),
        kind="intro",
    )
    pairing.episode.refresh_from_db()
    assert pairing.episode.state == EpisodeState.TRIAL
    assert Episode.objects.filter(client=pairing.client).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_booking_that_fails_late_leaves_the_client_with_their_therapist(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pairing = placed(n_held=3)
    intake = _rematch(pairing)

    def fail(*args: object, **kwargs: object) -> None:
        raise Conflict("The place went just now.", code="therapist_full")

    # Fails after the old episode was ended inside the booking's transaction.
    monkeypatch.setattr("alliance.matching.actions.do_draft_first_frame", fail)
    with pytest.raises(Conflict):
        do_book_slot(
            pairing.client,
            intake=intake,
            profile=pairing.other,
            slot=pairing.other.slots.get(),
            kind="first_session",
        )
    pairing.episode.refresh_from_db()
    assert (pairing.episode.state, pairing.episode.end_reason) == (EpisodeState.TRIAL, "")
    assert Episode.objects.filter(client=pairing.client).count() == 1
    assert Intake.objects.get(pk=intake.pk).status == IntakeStatus.SUBMITTED
    assert not SlotBooking.objects.filter(slot__therapist=pairing.other).exists()
    assert not AuditEvent.objects.filter(action="matching.intake.transferred").exists()


@time_machine.travel(NOW, tick=False)
def test_the_client_can_widen_a_rematch_search_and_the_therapist_stays_excluded() -> None:
    pairing = placed(n_held=3)
    _rematch(pairing)
    saved = do_save_intake(
        pairing.client, fields={**INTAKE, "max_fee": 3000}, exclude=[], submit=True
    )
    assert saved.rematch_from == pairing.episode
    assert list(saved.exclude.all()) == []  # the form replaced the list …
    page = logged_in(pairing.client).get(reverse("matches")).content.decode()
    profile_url = reverse("book", args=[pairing.therapist.therapist_profile.pk])
    assert f'href="{profile_url}"' not in page  # … and the engine still leaves them out
    assert reverse("book", args=[pairing.other.pk]) in page


@time_machine.travel(NOW, tick=False)
def test_without_a_rematch_an_open_episode_still_blocks_a_new_search() -> None:
    pairing = placed(n_held=3)
    with pytest.raises(Conflict) as caught:
        do_save_intake(pairing.client, fields=INTAKE, exclude=[], submit=True)
    assert caught.value.code == "episode_open"
