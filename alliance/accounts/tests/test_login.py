from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.audit.models import AuditEvent
from tests.factories import PASSWORD, make_client, make_staff, make_therapist


def _login(http: Client, email: str, password: str = PASSWORD, ip: str = "10.0.0.1", **extra):
    return http.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **extra
    )


@pytest.mark.parametrize(
    ("make", "home"),
    [(make_client, "client-home"), (make_therapist, "therapist-home"), (make_staff, "staff-home")],
)
def test_each_role_lands_on_its_home(db: None, make, home) -> None:
    user = make()
    http = Client()
    response = _login(http, user.email.upper())  # e-mail is case-insensitive
    assert response.status_code == 302
    assert http.get(response["Location"])["Location"] == reverse(home)
    assert http.get(reverse(home)).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.login.succeeded", actor=user).exists()


def test_session_key_changes_at_login(db: None) -> None:
    user = make_client()
    http = Client()
    http.get(reverse("login"))
    http.session.save()
    before = http.session.session_key
    _login(http, user.email)
    assert http.session.session_key != before


def test_wrong_password_is_refused_with_a_message(db: None) -> None:
    user = make_client()
    response = _login(Client(), user.email, "wrong password here")
    assert response.status_code == 200
    assert "correct email" in response.content.decode().lower()
    failed = AuditEvent.objects.filter(action="accounts.login.failed").get()
    assert failed.actor is None and failed.data == {}


def test_logout_ends_the_session_on_the_server(db: None) -> None:
    user = make_client()
    http = Client()
    _login(http, user.email)
    cookie = http.cookies["sessionid"].value
    http.post(reverse("logout"))
    stale = Client()
    stale.cookies["sessionid"] = cookie
    assert stale.get(reverse("client-home")).status_code == 302


def test_throttling_locks_the_name_from_one_address_only(db: None) -> None:
    victim = make_therapist()
    attacker = Client()
    for _ in range(5):
        _login(attacker, victim.email, "guessing wrong", ip="203.0.113.9")
    locked = _login(attacker, victim.email, PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 429
    assert "too many" in locked.content.decode().lower()
    # The therapist, elsewhere (another address), still gets in.
    assert _login(Client(), victim.email, ip="198.51.100.7").status_code == 302


def test_throttling_does_not_lock_colleagues_behind_the_same_address(db: None) -> None:
    noisy, colleague = make_therapist(), make_therapist()
    for _ in range(6):
        _login(Client(), noisy.email, "guessing wrong", ip="192.0.2.1")
    assert _login(Client(), colleague.email, ip="192.0.2.1").status_code == 302


def test_spoofed_forwarded_for_is_ignored_without_trusted_proxy(db: None) -> None:
    victim = make_client()
    for n in range(5):
        _login(
            Client(),
            victim.email,
            "nope nope nope",
            ip="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    locked = _login(Client(), victim.email, ip="203.0.113.9", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert locked.status_code == 429


def test_bad_login_form_input(db: None) -> None:
    response = Client().post(reverse("login"), {"username": "not an email", "password": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "valid email" in body.lower() and "required" in body.lower()


def test_changing_case_does_not_dodge_the_limit(db: None) -> None:
    make_client(email="asha@example.org")
    for variant in [
        "ASHA@example.org",
        "Asha@Example.org",
        "asha@EXAMPLE.org",
        "aSha@example.org",
        "asha@example.ORG",
    ]:
        _login(Client(), variant, "wrong wrong wrong", ip="203.0.113.5")
    assert _login(Client(), "asha@example.org", ip="203.0.113.5").status_code == 429
