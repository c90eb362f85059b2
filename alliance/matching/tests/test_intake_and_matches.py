from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.matching.models import Intake, IntakeStatus
from alliance.matching.tests.helpers import clinic_with_client, submitted_intake, therapist


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


FORM = {
    "concerns": ["anxiety"],
    "languages": ["en"],
    "format": "online",
    "city": "",
    "max_fee": "2000",
    "times": "Thursday 17:00-21:00",
    "styles": ["supportive"],
}


def test_intake_saves_a_draft_then_submits_to_matches(db: None) -> None:
    clinic, client = clinic_with_client()
    therapist(clinic)
    http = _as(client)
    assert http.post(reverse("intake"), {**FORM, "save": "1"}).status_code == 302
    intake = Intake.objects.get()
    assert intake.status == IntakeStatus.DRAFT
    assert intake.times == [{"weekday": 3, "from": "17:00", "to": "21:00"}]
    response = http.post(reverse("intake"), {**FORM, "submit": "1"})
    assert response["Location"] == reverse("matches")
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    page = http.get(reverse("matches")).content.decode()
    assert "Thursday 18:00 is free" in page
    assert "works in a supportive style" in page
    event = AuditEvent.objects.filter(action="matching.intake.saved").last()
    assert event is not None
    assert set(event.data) == {"status", "n_fields_changed"}  # never what they are looking for


def test_bad_intake_is_refused_and_stores_nothing(db: None) -> None:
    _clinic, client = clinic_with_client()
    http = _as(client)
    changes: list[dict[str, object]] = [
        {"times": "Someday 18:00-19:00"},
        {"times": "Thursday 21:00-18:00"},
        {"max_fee": "-5"},
        {"format": "in_person", "city": ""},
        {"concerns": ["x"]},
    ]
    for change in changes:
        assert http.post(reverse("intake"), {**FORM, **change, "save": "1"}).status_code == 400
    assert not Intake.objects.exists()


def test_impossible_constraints_give_an_empty_result_with_the_reason(db: None) -> None:
    clinic, client = clinic_with_client()
    therapist(clinic, languages=["hi"])
    submitted_intake(client)
    page = _as(client).get(reverse("matches")).content.decode()
    assert "Nobody fits all of your needs right now" in page


def test_excluded_therapist_is_never_suggested(db: None) -> None:
    clinic, client = clinic_with_client()
    known = therapist(clinic)
    other = therapist(clinic)
    http = _as(client)
    http.post(reverse("intake"), {**FORM, "exclude": [str(known.user_id)], "submit": "1"})
    page = http.get(reverse("matches")).content.decode()
    assert reverse("directory-profile", args=[other.pk]) in page
    assert reverse("directory-profile", args=[known.pk]) not in page


def test_matches_api(db: None) -> None:
    clinic, client = clinic_with_client()
    profile = therapist(clinic)
    http = _as(client)
    body = {
        "concerns": ["anxiety"],
        "languages": ["en"],
        "format": "online",
        "max_fee": 2000,
        "times": [{"weekday": 3, "from": "17:00", "to": "21:00"}],
        "submit": True,
    }
    saved = http.put("/api/v1/me/intake", body, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["status"] == "submitted"
    matches = http.get("/api/v1/me/matches").json()
    assert [m["therapist_profile_id"] for m in matches] == [profile.pk]
    assert any("Thursday 18:00" in reason for reason in matches[0]["reasons"])
    bad = http.put(
        "/api/v1/me/intake", {**body, "concerns": ["astrology"]}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "unknown_code"
