from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.models import Episode
from tests.factories import make_client, make_clinic, make_staff, make_therapist


def test_staff_start_an_episode(db: None) -> None:
    staff = make_staff()
    client, therapist = make_client(clinic=staff.clinic), make_therapist(clinic=staff.clinic)
    other_clinic_therapist = make_therapist(clinic=make_clinic())
    http = Client()
    http.force_login(staff)
    page = http.get(reverse("episode-new", args=[client.pk])).content.decode()
    assert therapist.full_name in page
    assert other_clinic_therapist.full_name not in page
    response = http.post(
        reverse("episode-new", args=[client.pk]),
        {"therapist": therapist.pk, "started_on": "2026-11-02"},
    )
    assert response.status_code == 302
    episode = Episode.objects.get()
    assert (episode.client, episode.therapist, episode.state) == (client, therapist, "trial")
    assert AuditEvent.objects.filter(action="care.episode.started", actor=staff).exists()
    detail = http.get(reverse("person-detail", args=[client.pk])).content.decode()
    assert f"With {therapist.full_name}" in detail


def test_therapist_of_another_clinic_or_bad_date_is_refused(db: None) -> None:
    staff = make_staff()
    client = make_client(clinic=staff.clinic)
    outsider = make_therapist(clinic=make_clinic())
    http = Client()
    http.force_login(staff)
    for data in [
        {"therapist": outsider.pk, "started_on": "2026-11-02"},
        {"therapist": "", "started_on": "not a date"},
    ]:
        assert http.post(reverse("episode-new", args=[client.pk]), data).status_code == 400
    assert not Episode.objects.exists()


def test_episodes_start_only_for_clients(db: None) -> None:
    staff = make_staff()
    therapist = make_therapist(clinic=staff.clinic)
    http = Client()
    http.force_login(staff)
    assert http.get(reverse("episode-new", args=[therapist.pk])).status_code == 404


def test_a_client_works_with_one_therapist_at_a_time(db: None) -> None:
    staff = make_staff()
    client = make_client(clinic=staff.clinic)
    first, second = make_therapist(clinic=staff.clinic), make_therapist(clinic=staff.clinic)
    http = Client()
    http.force_login(staff)
    url = reverse("episode-new", args=[client.pk])
    assert http.post(url, {"therapist": first.pk, "started_on": "2026-11-02"}).status_code == 302
    again = http.post(url, {"therapist": second.pk, "started_on": "2026-11-03"})
    assert again.status_code == 400
    assert "already working with a therapist" in again.content.decode()
    assert Episode.objects.count() == 1


def test_the_database_refuses_a_second_open_episode(db: None) -> None:
    from django.db import IntegrityError, transaction

    staff = make_staff()
    client = make_client(clinic=staff.clinic)
    therapist = make_therapist(clinic=staff.clinic)
    clinic = staff.clinic
    assert clinic is not None
    Episode.objects.create(
        clinic=clinic,
        client=client,
        therapist=therapist,
        started_on="2026-11-02",
        state="active",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Episode.objects.create(
            clinic=clinic,
            client=client,
            therapist=therapist,
            started_on="2026-11-09",
            state="trial",
        )
    Episode.objects.create(
        clinic=clinic,
        client=client,
        therapist=therapist,
        started_on="2025-01-01",
        state="ended",
    )
    assert Episode.objects.count() == 2


def test_excluded_or_deactivated_therapists_are_refused(db: None) -> None:
    from alliance.care.actions.episodes import do_start_episode
    from alliance.core.errors import InvalidInput

    staff = make_staff()
    client = make_client(clinic=staff.clinic)
    known, gone = make_therapist(clinic=staff.clinic), make_therapist(clinic=staff.clinic)
    client.client_profile.excluded_therapists.add(known)
    gone.is_active = False
    gone.save()
    for therapist, code in [(known, "therapist_excluded"), (gone, "therapist_inactive")]:
        with pytest.raises(InvalidInput) as caught:
            do_start_episode(
                staff, client=client, therapist=therapist, started_on=dt.date(2026, 11, 2)
            )
        assert caught.value.code == code
    assert not Episode.objects.exists()
