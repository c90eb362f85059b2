from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Role, User
from alliance.audit.models import AuditEvent
from tests.factories import make_client, make_clinic, make_staff, make_therapist


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def test_staff_add_a_therapist_who_gets_a_set_password_link(
    db: None, django_capture_on_commit_callbacks
) -> None:
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        response = _as(staff).post(
            reverse("person-new"),
            {
                "role": "therapist",
                "first_name": "Meera",
                "last_name": "Iyer",
                "email": "meera@example.org",
            },
        )
    person = User.objects.get(email="meera@example.org")
    assert response.status_code == 302 and response["Location"] == reverse(
        "person-detail", args=[person.pk]
    )
    assert (person.role, person.clinic_id, person.has_usable_password()) == (
        Role.THERAPIST,
        staff.clinic_id,
        False,
    )
    assert len(mail.outbox) == 1 and re.search(
        r"/password/reset/\S+/\S+/", str(mail.outbox[0].body)
    )
    event = AuditEvent.objects.get(action="accounts.user.created")
    assert (event.actor, event.object_id, event.data) == (
        staff,
        str(person.pk),
        {"role": "therapist"},
    )


def test_bad_new_person_is_refused_and_nothing_stored(db: None) -> None:
    staff = make_staff()
    taken = make_client(clinic=staff.clinic)
    before = User.objects.count()
    for data in [
        {"role": "therapist", "first_name": "", "email": "x@example.org"},
        {"role": "superuser", "first_name": "A", "email": "y@example.org"},
        {"role": "staff", "first_name": "A", "email": "not-an-email"},
        {"role": "staff", "first_name": "A", "email": taken.email.upper()},
    ]:
        assert _as(staff).post(reverse("person-new"), data).status_code == 400, data
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action="accounts.user.created").exists()


def test_people_list_shows_only_own_clinic_and_filters_with_htmx(db: None) -> None:
    staff = make_staff()
    mine = make_therapist(clinic=staff.clinic, first_name="Zebedee")
    make_client(clinic=staff.clinic, first_name="Yusuf")
    theirs = make_therapist(clinic=make_clinic(), first_name="Zebulon")
    http = _as(staff)
    page = http.get(reverse("people-list")).content.decode()
    assert mine.email in page and theirs.email not in page
    partial = http.get(reverse("people-list"), {"q": "zeb"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and mine.email in body and "Yusuf" not in body
    assert theirs.email not in body
    by_role = http.get(reverse("people-list"), {"role": "client"}, HTTP_HX_REQUEST="true")
    assert "Yusuf" in by_role.content.decode() and mine.email not in by_role.content.decode()


def test_deactivate_and_reactivate(db: None) -> None:
    staff = make_staff()
    person = make_therapist(clinic=staff.clinic)
    http = _as(staff)
    http.post(reverse("person-set-active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    http.post(reverse("person-set-active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active
    actions = list(
        AuditEvent.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
    )
    assert actions == ["accounts.user.deactivated", "accounts.user.reactivated"]


def test_staff_cannot_deactivate_themselves(db: None) -> None:
    staff = make_staff()
    assert (
        _as(staff).post(reverse("person-set-active", args=[staff.pk]), {"active": "0"}).status_code
        == 404
    )
    staff.refresh_from_db()
    assert staff.is_active


def test_person_page_shows_therapist_profile_and_slots(db: None) -> None:
    therapist = make_therapist()
    body = _as(therapist).get(reverse("person-detail", args=[therapist.pk])).content.decode()
    assert "Counsellor" in body and "Thursday 18:00" in body


def test_api_created_account_gets_its_link_too(
    db: None, django_capture_on_commit_callbacks
) -> None:
    staff = make_staff()
    with django_capture_on_commit_callbacks(execute=True):
        created = _as(staff).post(
            "/api/v1/clinic/people",
            {"role": "therapist", "email": "new.one@example.org", "first_name": "New"},
            content_type="application/json",
        )
    assert created.status_code == 201
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.one@example.org"]
    assert "http://127.0.0.1:8000/password/reset/" in str(mail.outbox[0].body)


def test_api_lists_clinic_people_and_creates(db: None) -> None:
    staff = make_staff()
    make_client(clinic=staff.clinic)
    make_client(clinic=make_clinic())
    http = _as(staff)
    people = http.get("/api/v1/clinic/people").json()
    assert {p["clinic_id"] for p in people} == {staff.clinic_id} and len(people) == 2
    assert len(http.get("/api/v1/clinic/people", {"role": "client"}).json()) == 1
    bad = http.post(
        "/api/v1/clinic/people",
        {"role": "staff", "email": "nope", "first_name": "A"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json() == {
        "detail": "Enter a valid e-mail address.",
        "code": "email_invalid",
    }
    unknown_role = http.post(
        "/api/v1/clinic/people",
        {"role": "owner", "email": "a@b.org", "first_name": "A"},
        content_type="application/json",
    )
    assert unknown_role.status_code == 422
    assert User.objects.count() == 3


def test_api_me_returns_only_allowlisted_fields(db: None) -> None:
    user = make_client()
    data = _as(user).get("/api/v1/me").json()
    assert set(data) == {"id", "email", "first_name", "last_name", "role", "clinic_id", "is_active"}
    assert "password" not in data
