"""The public profile page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.accounts.models import User
from alliance.directory.models import TherapistProfile
from tests.factories import make_therapist


def _profile(**fields: object) -> TherapistProfile:
    user = make_therapist(first_name="Asha", last_name="Rao")
    TherapistProfile.objects.filter(user=user).update(**fields)
    return TherapistProfile.objects.get(user=user)


def _page(profile: TherapistProfile) -> str:
    response = Client().get(reverse("directory-profile", args=[profile.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_profile_shows_what_the_therapist_publishes(db: None) -> None:
    profile = _profile(
        profession="clinical_psychologist",
        credentials="M.Phil. Clinical Psychology, RCI A12345",
        approaches=["cbt", "act"],
        styles=["facilitative"],
        concerns=["anxiety"],
        languages=["en", "ta"],
        formats=["online", "in_person"],
        city="Chennai",
        time_zone="Asia/Kolkata",
        fee=2000,
        sliding_scale_min=1200,
        gender="female",
        bio="I work with students.",
    )
    body = _page(profile)
    for text in [
        "Asha Rao",
        "Clinical psychologist",
        "M.Phil. Clinical Psychology, RCI A12345",
        "Cognitive behavioural therapy (CBT)",
        "Facilitative",
        "helps you find your own answers",
        "Anxiety and worry",
        "English, Tamil",
        "Online · In person in Chennai",
        "INR 2000 a session; sliding scale from INR 1200",
        "Thursday 18:00 · 50 min",
        "Asia/Kolkata",
        "Accepting new clients",
        "Woman",
        "I work with students.",
    ]:
        assert text in body, text


def test_full_or_closed_profiles_say_so(db: None) -> None:
    assert "Not taking new clients" in _page(_profile(capacity=0))
    TherapistProfile.objects.update(capacity=3, accepting=False)
    assert "Not taking new clients" in _page(TherapistProfile.objects.get())


def test_gender_hidden_when_not_shown(db: None) -> None:
    body = _page(_profile(gender="male", show_gender=False))
    assert "Gender" not in body and "Man" not in body


def test_unlisted_or_inactive_profiles_are_not_found(db: None) -> None:
    hidden = _profile(listed=False)
    assert Client().get(reverse("directory-profile", args=[hidden.pk])).status_code == 404
    shown = make_therapist()
    profile = TherapistProfile.objects.get(user=shown)
    User.objects.filter(pk=shown.pk).update(is_active=False)
    assert Client().get(reverse("directory-profile", args=[profile.pk])).status_code == 404
    assert Client().get(reverse("directory-profile", args=[987654])).status_code == 404
