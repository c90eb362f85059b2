"""The schedule pages: the therapist's per-episode override and the staff's clinic default."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from alliance.accounts.models import Clinic, User
from alliance.audit.models import AuditEvent
from alliance.measures.models import EpisodeSchedule
from tests.factories import logged_in, make_episode, make_staff, make_therapist

DEFAULT_EPISODE_FORM = {
    "alliance-checkin-client-mode": "clinic",
    "alliance-checkin-therapist-mode": "clinic",
    "phq-9-mode": "clinic",
    "gad-7-mode": "clinic",
    "core-10-mode": "clinic",
    "wai-sr-mode": "clinic",
    "ors-mode": "off",
    "srs-mode": "off",
    "wai-sr-therapist-mode": "off",
}


def staff_clinic(staff: User) -> Clinic:
    assert staff.clinic_id is not None
    return Clinic.objects.get(pk=staff.clinic_id)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_episode_page_shows_the_clinic_defaults(db: None) -> None:
    episode = make_episode()
    page = _text(logged_in(episode.therapist).get(reverse("episode-schedule", args=[episode.pk])))
    assert '<td data-label="Clinic default">every session</td>' in page
    assert '<td data-label="Clinic default">every 28 days</td>' in page
    assert '<td data-label="Clinic default">every 4 sessions from session 3</td>' in page
    assert '<option value="clinic" selected>As the clinic</option>' in page
    assert "Left out even when due" in page  # WAI-SR has no wording installed
    assert "Due now" in page


def test_the_therapist_overrides_phq9_every_second_session(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.therapist)
    data = DEFAULT_EPISODE_FORM | {
        "phq-9-mode": "sessions",
        "phq-9-every": "2",
        "phq-9-first": "1",
        "gad-7-mode": "off",
    }
    response = http.post(reverse("episode-schedule", args=[episode.pk]), data)
    assert response.status_code == 302
    stored = EpisodeSchedule.objects.get(episode=episode)
    assert stored.overrides == [{"instrument": "phq-9", "every_sessions": 2}]
    assert "gad-7" in stored.removed
    assert stored.updated_by == episode.therapist
    assert AuditEvent.objects.filter(action="measures.schedule.episode_changed").count() == 1
    page = _text(http.get(reverse("episode-schedule", args=[episode.pk])))
    assert '<option value="sessions" selected>' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phq-9-mode": "sessions", "phq-9-every": ""}, "say every how many sessions"),
        ({"phq-9-mode": "days", "phq-9-every": "0"}, "greater than or equal to 1"),
        ({"phq-9-mode": "sessions", "phq-9-every": "two"}, "Enter a whole number"),
        ({"phq-9-mode": "sessions", "phq-9-every": "2", "phq-9-first": "-1"}, "greater than"),
        ({"phq-9-mode": "weekly"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    db: None, changes: dict[str, str], message: str
) -> None:
    episode = make_episode()
    response = logged_in(episode.therapist).post(
        reverse("episode-schedule", args=[episode.pk]), DEFAULT_EPISODE_FORM | changes
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert "The schedule was not saved" in _text(response)
    assert not EpisodeSchedule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="measures.schedule").exists()


def test_others_cannot_open_the_episode_schedule(db: None) -> None:
    episode = make_episode()
    url = reverse("episode-schedule", args=[episode.pk])
    colleague = make_therapist(clinic=episode.clinic)
    staff = make_staff(clinic=episode.clinic)
    for person in (episode.client, colleague, staff):
        assert logged_in(person).get(url).status_code == 404
        assert logged_in(person).post(url, DEFAULT_EPISODE_FORM).status_code == 404
    assert not EpisodeSchedule.objects.exists()


def test_staff_set_the_clinic_default_and_go_back_to_alliances(db: None) -> None:
    staff = make_staff()
    http = logged_in(staff)
    url = reverse("clinic-schedule")
    page = _text(http.get(url))
    assert "The clinic uses Alliance's default." in page
    data = {
        "alliance-checkin-client-mode": "sessions",
        "alliance-checkin-client-every": "1",
        "alliance-checkin-therapist-mode": "sessions",
        "alliance-checkin-therapist-every": "1",
        "phq-9-mode": "sessions",
        "phq-9-every": "2",
        "gad-7-mode": "off",
        "core-10-mode": "days",
        "core-10-every": "28",
        "core-10-first": "2",
        "wai-sr-mode": "off",
        "ors-mode": "off",
        "srs-mode": "off",
        "wai-sr-therapist-mode": "off",
    }
    assert http.post(url, data).status_code == 302
    clinic = staff_clinic(staff)
    assert clinic.measurement_schedule == [
        {"instrument": "alliance-checkin-client", "every_sessions": 1},
        {"instrument": "alliance-checkin-therapist", "every_sessions": 1},
        {"instrument": "phq-9", "every_sessions": 2},
        {"instrument": "core-10", "every_days": 28, "first_session": 2},
    ]
    assert http.post(url, {"reset": "1"}).status_code == 302
    clinic.refresh_from_db()
    assert clinic.measurement_schedule == []
    assert AuditEvent.objects.filter(action="measures.schedule.clinic_changed").count() == 2


def test_the_clinic_page_refuses_bad_input_and_other_roles(db: None) -> None:
    staff = make_staff()
    url = reverse("clinic-schedule")
    bad = {"phq-9-mode": "days", "phq-9-every": "x"}
    response = logged_in(staff).post(url, bad)
    assert response.status_code == 400
    assert "Enter a whole number" in _text(response)
    everything_off = {f"{key.removesuffix('-mode')}-mode": "off" for key in DEFAULT_EPISODE_FORM}
    response = logged_in(staff).post(url, everything_off)
    assert response.status_code == 400
    assert "Keep at least one measure" in _text(response)
    assert staff_clinic(staff).measurement_schedule == []
    therapist = make_therapist(clinic=staff.clinic)
    assert logged_in(therapist).get(url).status_code == 403
    assert logged_in(therapist).post(url, {"reset": "1"}).status_code == 403
