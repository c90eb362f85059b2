from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from alliance.care.models import Episode
from alliance.core.errors import Conflict
from alliance.directory.models import TherapistProfile
from alliance.matching.actions import do_book_slot
from alliance.matching.models import Intake, IntakeStatus, SlotBooking
from alliance.matching.tests.helpers import clinic_with_client, submitted_intake, therapist
from tests.factories import make_client


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def test_booking_a_first_session_starts_the_episode_and_takes_the_slot(db: None) -> None:
    clinic, client = clinic_with_client()
    profile = therapist(clinic)
    submitted_intake(client)
    slot = profile.slots.get()
    http = _as(client)
    page = http.get(reverse("book", args=[profile.pk])).content.decode()
    assert "Thursday 18:00" in page
    response = http.post(
        reverse("book", args=[profile.pk]), {"slot": slot.pk, "kind": "first_session"}
    )
    assert response.status_code == 302
    assert SlotBooking.objects.get().slot == slot
    episode = Episode.objects.get()
    assert (episode.client, episode.therapist) == (client, profile.user)
    profile.refresh_from_db()
    assert profile.capacity == 1
    assert Intake.objects.get().status == IntakeStatus.PLACED


def test_a_taken_slot_is_refused_with_the_next_free_ones(db: None) -> None:
    clinic, first = clinic_with_client()
    second = make_client(clinic=clinic)
    profile = therapist(clinic, slots=((3, "18:00"), (3, "19:00")))
    for client in (first, second):
        submitted_intake(client)
    slot = profile.slots.get(start="18:00")
    do_book_slot(
        first, intake=Intake.objects.get(client=first), profile=profile, slot=slot, kind="intro"
    )
    response = _as(second).post(
        reverse("book", args=[profile.pk]), {"slot": slot.pk, "kind": "intro"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone has just booked" in body
    assert "Thursday 19:00" in body
    assert SlotBooking.objects.count() == 1


def test_booking_a_therapist_who_does_not_fit_is_refused(db: None) -> None:
    clinic, client = clinic_with_client()
    profile = therapist(clinic, languages=["fr"])
    intake = submitted_intake(client)
    with pytest.raises(Exception, match="does not fit your intake"):
        do_book_slot(client, intake=intake, profile=profile, slot=profile.slots.get(), kind="intro")
    assert not SlotBooking.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clients_racing_for_one_slot_exactly_one_wins() -> None:
    clinic, first = clinic_with_client()
    clients = [first, *(make_client(clinic=clinic) for _ in range(7))]
    profile = therapist(clinic, capacity=10)
    for client in clients:
        submitted_intake(client)
    slot_id = profile.slots.get().pk
    barrier = threading.Barrier(len(clients))
    outcomes: list[str] = []

    def attempt(client_id: int) -> None:
        try:
            from alliance.accounts.models import User

            client = User.objects.get(pk=client_id)
            fresh = TherapistProfile.objects.get(pk=profile.pk)
            barrier.wait()
            do_book_slot(
                client,
                intake=Intake.objects.get(client=client),
                profile=fresh,
                slot=fresh.slots.get(pk=slot_id),
                kind="first_session",
            )
            outcomes.append("booked")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(c.pk,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["slot_taken"] * (len(clients) - 1)
    assert SlotBooking.objects.filter(active=True).count() == 1
    assert Episode.objects.count() == 1


def test_a_slot_outside_the_clients_times_is_refused(db: None) -> None:
    clinic, client = clinic_with_client()
    profile = therapist(clinic, slots=((3, "18:00"), (0, "08:00")))
    intake = submitted_intake(client)
    monday = profile.slots.get(weekday=0)
    with pytest.raises(Exception, match="outside the weekly times"):
        do_book_slot(client, intake=intake, profile=profile, slot=monday, kind="intro")
    assert not SlotBooking.objects.exists()


def test_one_intro_at_a_time_cancel_frees_it_and_placement_releases_it(db: None) -> None:
    clinic, client = clinic_with_client()
    first = therapist(clinic)
    second = therapist(clinic)
    intake = submitted_intake(client)
    intro = do_book_slot(client, intake=intake, profile=first, slot=first.slots.get(), kind="intro")
    with pytest.raises(Conflict):
        do_book_slot(client, intake=intake, profile=second, slot=second.slots.get(), kind="intro")
    _as(client).post(reverse("booking-cancel", args=[intro.pk]))
    intro.refresh_from_db()
    assert not intro.active
    again = do_book_slot(
        client, intake=intake, profile=second, slot=second.slots.get(), kind="intro"
    )
    do_book_slot(client, intake=intake, profile=first, slot=first.slots.get(), kind="first_session")
    again.refresh_from_db()
    assert not again.active  # placed: the intro call's slot is free again
    assert SlotBooking.objects.filter(active=True).count() == 1


def test_a_client_in_therapy_cannot_start_a_new_intake(db: None) -> None:
    clinic, client = clinic_with_client()
    profile = therapist(clinic)
    intake = submitted_intake(client)
    do_book_slot(
        client, intake=intake, profile=profile, slot=profile.slots.get(), kind="first_session"
    )
    with pytest.raises(Conflict):
        submitted_intake(client)
