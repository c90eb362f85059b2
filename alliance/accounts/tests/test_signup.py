from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import ClientProfile, Role, User
from alliance.audit.models import AuditEvent
from tests.factories import make_client, make_clinic

GOOD = {
    "first_name": "Asha",
    "last_name": "Rao",
    "email": "Asha.Rao@Example.org",
    "password": "a long enough passphrase",
    "password_again": "a long enough passphrase",
}


@pytest.fixture
def clinic(db: None):
    return make_clinic()


def test_sign_up_creates_client_and_lands_on_client_home(clinic) -> None:
    http = Client()
    response = http.post(reverse("signup"), {**GOOD, "clinic": clinic.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("client-home")
    assert "Hello, Asha" in response.content.decode()
    user = User.objects.get()
    assert (user.email, user.role, user.clinic) == ("asha.rao@example.org", Role.CLIENT, clinic)
    assert ClientProfile.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="accounts.client.signed_up", actor=user).count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short", "password_again": "short"}, "too short"),
        ({"password_again": "something else entirely"}, "two passwords differ"),
        ({"password": "password1234", "password_again": "password1234"}, "too common"),
        ({"password": "12345678901234", "password_again": "12345678901234"}, "entirely numeric"),
        ({"email": "not-an-email"}, "valid email"),
        ({"first_name": ""}, "required"),
        ({"password": "x" * 129, "password_again": "x" * 129}, "at most 128"),
    ],
)
def test_bad_sign_up_is_refused_and_stores_nothing(clinic, change, message) -> None:
    response = Client().post(reverse("signup"), {**GOOD, "clinic": clinic.pk, **change})
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action="accounts.client.signed_up").exists()


def test_duplicate_email_any_case_is_refused(clinic) -> None:
    make_client(clinic=clinic, email="asha.rao@example.org")
    response = Client().post(reverse("signup"), {**GOOD, "clinic": clinic.pk})
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_long_passphrase_accepted(clinic) -> None:
    phrase = "the quick brown fox jumps over the lazy dog again and again ok"
    assert len(phrase) >= 60
    data = {**GOOD, "clinic": clinic.pk, "password": phrase, "password_again": phrase}
    assert Client().post(reverse("signup"), data).status_code == 302


def test_sign_up_into_unknown_clinic_is_refused(clinic) -> None:
    response = Client().post(reverse("signup"), {**GOOD, "clinic": clinic.pk + 99})
    assert response.status_code == 400
    assert not User.objects.exists()


def test_sign_up_page_without_any_clinic_explains(db: None) -> None:
    response = Client().get(reverse("signup"))
    assert "no clinic set up yet" in response.content.decode()
