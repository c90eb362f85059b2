from __future__ import annotations

from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from care.models import Episode
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
