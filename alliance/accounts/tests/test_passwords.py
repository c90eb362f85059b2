from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client
from django.urls import reverse

from alliance.accounts.hashers import TunedArgon2PasswordHasher
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent
from tests.factories import PASSWORD, make_client

PRODUCTION_HASHERS = [
    "alliance.accounts.hashers.TunedArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_argon2id_with_owasp_parameters(settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password("a long enough passphrase")
    # argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    hasher = TunedArgon2PasswordHasher()
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)


def test_old_hash_is_upgraded_at_login(db: None, settings) -> None:
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_client()
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    Client().post(reverse("login"), {"username": user.email, "password": PASSWORD})
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_password_reset_by_email(db: None) -> None:
    user = make_client()
    http = Client()
    response = http.post(reverse("password-reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert user.first_name not in message.body  # the mail carries a link, nothing personal
    found = re.search(r"https?://[^/]+(/password/reset/\S+)", str(message.body))
    assert found is not None
    link = found.group(1)
    form_page = http.get(link, follow=True)
    assert form_page.status_code == 200
    done = http.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "my brand new passphrase",
            "new_password2": "my brand new passphrase",
        },
    )
    assert done.status_code == 302
    fresh = Client().post(
        reverse("login"), {"username": user.email, "password": "my brand new passphrase"}
    )
    assert fresh.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password.changed", actor=user).exists()
    # The link works once.
    assert "expired" in http.get(link, follow=True).content.decode()


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(db: None) -> None:
    response = Client().post(reverse("password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_weak_new_password_refused_and_old_one_kept(db: None) -> None:
    user = make_client()
    http = Client()
    http.force_login(user)
    response = http.post(
        reverse("password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="accounts.password.changed").exists()


@pytest.mark.parametrize("email", ["", "x", "a@", "@b.org"])
def test_create_user_validation_rejects_bad_email(db: None, email) -> None:
    from alliance.accounts.actions import do_sign_up_client
    from alliance.core.errors import InvalidInput
    from tests.factories import make_clinic

    with pytest.raises(InvalidInput):
        do_sign_up_client(
            clinic=make_clinic(), email=email, password="a fine passphrase", first_name="A"
        )
    assert not User.objects.exists()
