"""Editing a profile and its weekly slots on the page: own, clinic staff, and outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from alliance.directory.models import TherapistProfile
from tests.factories import make_client, make_clinic, make_staff, make_therapist


def _as(user: User) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _form(profile: TherapistProfile, **changes: Any) -> dict[str, Any]:
    """The edit form as a browser would post it, with the profile's current values."""
    data: dict[str, Any] = {
        "profession": profile.profession,
        "credentials": profile.credentials,
        "years_experience": profile.years_experience,
        "gender": profile.gender,
        "approaches": profile.approaches,
        "styles": profile.styles,
        "concerns": profile.concerns,
        "languages": profile.languages,
        "formats": profile.formats,
        "city": profile.city,
        "time_zone": profile.time_zone,
        "currency": profile.currency,
        "fee": profile.fee,
        "sliding_scale_min": profile.sliding_scale_min or "",
        "capacity": profile.capacity,
        "bio": profile.bio,
    }
    for flag in ["show_gender", "accepting", "listed"]:
        if getattr(profile, flag):
            data[flag] = "on"
    slots = list(profile.slots.order_by("weekday", "start"))
    data.update(
        {
            "slots-TOTAL_FORMS": len(slots) + 1,
            "slots-INITIAL_FORMS": len(slots),
            "slots-MIN_NUM_FORMS": 0,
            "slots-MAX_NUM_FORMS": 60,
        }
    )
    for n, slot in enumerate(slots):
        data[f"slots-{n}-weekday"] = slot.weekday
        data[f"slots-{n}-start"] = f"{slot.start:%H:%M}"
        data[f"slots-{n}-minutes"] = slot.minutes
    new = len(slots)
    data.update({f"slots-{new}-weekday": 0, f"slots-{new}-start": "", f"slots-{new}-minutes": 50})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _stored(profile: TherapistProfile) -> Any:
    row = TherapistProfile.objects.filter(pk=profile.pk).values().get()
    slots = list(profile.slots.values_list("pk", "weekday", "start", "minutes"))
    return row, slots


def test_therapist_sees_their_form_with_current_values(db: None) -> None:
    therapist = make_therapist()
    response = _as(therapist).get(reverse("practice-profile"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="fee" value="1500"' in body
    assert 'name="slots-0-start" value="18:00"' in body
    assert "Task-oriented: Focused on concrete goals" in body


def test_therapist_edits_own_profile_and_adds_a_slot(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    data = _form(
        profile,
        fee=1800,
        sliding_scale_min=900,
        concerns=["anxiety", "grief"],
        styles=["supportive"],
        formats=["online", "in_person"],
        city="Pune",
        **{"slots-1-weekday": 1, "slots-1-start": "09:30", "slots-1-minutes": 60},
    )
    response = _as(therapist).post(reverse("practice-profile"), data)
    assert response.status_code == 302 and response["Location"] == reverse("practice-profile")
    profile.refresh_from_db()
    assert (profile.fee, profile.sliding_scale_min, profile.city) == (1800, 900, "Pune")
    assert profile.concerns == ["anxiety", "grief"] and profile.styles == ["supportive"]
    assert [(s.weekday, f"{s.start:%H:%M}", s.minutes) for s in profile.slots.all()] == [
        (1, "09:30", 60),
        (3, "18:00", 50),
    ]
    event = AuditEvent.objects.get(action="directory.profile.updated")
    assert set(event.data) == {"fee", "sliding_scale_min", "concerns", "styles", "formats", "city"}


def test_therapist_removes_a_slot(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    response = _as(therapist).post(
        reverse("practice-profile"), _form(profile, **{"slots-0-DELETE": "on"})
    )
    assert response.status_code == 302
    assert not profile.slots.exists()


def test_unticking_a_flag_stores_false(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    _as(therapist).post(reverse("practice-profile"), _form(profile, listed=None, show_gender=None))
    profile.refresh_from_db()
    assert (profile.listed, profile.show_gender) == (False, False)


def test_add_slot_button_shows_another_row_and_saves_nothing(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    before = _stored(profile)
    response = _as(therapist).post(reverse("practice-profile"), _form(profile, add_slot="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="slots-2-start"' in body and 'name="slots-TOTAL_FORMS" value="3"' in body
    assert _stored(profile) == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"concerns": ["anxiety", "astrology"]}, "astrology is not one of the available choices"),
        ({"fee": -5}, "greater than or equal to 0"),
        ({"fee": 1000, "sliding_scale_min": 1200}, "cannot be more than the full fee"),
        ({"formats": ["in_person"], "city": ""}, "city where you see clients in person"),
        (
            {"slots-1-weekday": 3, "slots-1-start": "18:30", "slots-1-minutes": 50},
            "Thursday 18:00 (50 min) and Thursday 18:30 (50 min) overlap.",
        ),
        ({"slots-1-start": "10:00", "slots-1-minutes": 5}, "greater than or equal to 15"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    db: None, changes: dict[str, Any], message: str
) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    before = _stored(profile)
    data = _form(profile, bio="A new bio that must not be stored either.", **changes)
    response = _as(therapist).post(reverse("practice-profile"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body.replace("&#x27;", "'"), body
    assert "Nothing was saved." in body
    assert _stored(profile) == before
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_slot_error_rolls_back_the_profile_change(db: None) -> None:
    therapist = make_therapist()
    profile = TherapistProfile.objects.get(user=therapist)
    before = _stored(profile)
    data = _form(
        profile, fee=2500, **{"slots-1-weekday": 3, "slots-1-start": "18:10", "slots-1-minutes": 30}
    )
    assert _as(therapist).post(reverse("practice-profile"), data).status_code == 400
    assert _stored(profile) == before
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_other_roles_cannot_open_the_own_profile_page(db: None) -> None:
    for user in [make_client(), make_staff()]:
        assert _as(user).get(reverse("practice-profile")).status_code == 403


def test_staff_edit_therapists_of_their_clinic(db: None) -> None:
    clinic = make_clinic()
    staff = make_staff(clinic=clinic)
    profile = TherapistProfile.objects.get(user=make_therapist(clinic=clinic))
    url = reverse("clinic-therapist-edit", args=[profile.pk])
    assert _as(staff).get(url).status_code == 200
    response = _as(staff).post(url, _form(profile, capacity=5, accepting=None))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.capacity, profile.accepting) == (5, False)
    assert AuditEvent.objects.get(action="directory.profile.updated").actor == staff


def test_staff_of_another_clinic_get_404_and_change_nothing(db: None) -> None:
    profile = TherapistProfile.objects.get(user=make_therapist())
    outsider = make_staff(clinic=make_clinic())
    url = reverse("clinic-therapist-edit", args=[profile.pk])
    before = _stored(profile)
    assert _as(outsider).get(url).status_code == 404
    assert _as(outsider).post(url, _form(profile, fee=1)).status_code == 404
    assert _stored(profile) == before


def test_therapists_cannot_use_the_staff_page_even_for_a_colleague(db: None) -> None:
    clinic = make_clinic()
    profile = TherapistProfile.objects.get(user=make_therapist(clinic=clinic))
    colleague = make_therapist(clinic=clinic)
    url = reverse("clinic-therapist-edit", args=[profile.pk])
    assert _as(colleague).get(url).status_code == 403
    assert _as(colleague).post(url, _form(profile, fee=1)).status_code == 403
    assert TherapistProfile.objects.get(pk=profile.pk).fee == 1500


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    profile = TherapistProfile.objects.get(user=make_therapist())
    for url in [reverse("practice-profile"), reverse("clinic-therapist-edit", args=[profile.pk])]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_and_person_pages_link_to_the_edit_pages(db: None) -> None:
    clinic = make_clinic()
    therapist = make_therapist(clinic=clinic)
    profile = TherapistProfile.objects.get(user=therapist)
    home = _as(therapist).get(reverse("therapist-home")).content.decode()
    assert f'href="{reverse("practice-profile")}"' in home
    person = _as(make_staff(clinic=clinic)).get(reverse("person-detail", args=[therapist.pk]))
    assert (
        f'href="{reverse("clinic-therapist-edit", args=[profile.pk])}"' in person.content.decode()
    )
