from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from alliance.accounts import actions
from alliance.audit.models import AuditEvent
from tests.factories import PASSWORD, make_client, make_staff, make_therapist

START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def _logged_in(user) -> Client:
    http = Client()
    assert (
        http.post(reverse("login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return http


@pytest.mark.parametrize(
    ("make", "home", "idle_minutes"),
    [
        (make_client, "client-home", 30),
        (make_therapist, "therapist-home", 15),
        (make_staff, "staff-home", 15),
    ],
)
def test_idle_timeout_by_role(db: None, make, home, idle_minutes) -> None:
    user = make()
    with time_machine.travel(START, tick=False) as clock:
        http = _logged_in(user)
        clock.shift(dt.timedelta(minutes=idle_minutes - 1))
        assert http.get(reverse(home)).status_code == 200  # activity resets the idle clock
        clock.shift(dt.timedelta(minutes=idle_minutes - 1))
        assert http.get(reverse(home)).status_code == 200
        clock.shift(dt.timedelta(minutes=idle_minutes + 1))
        response = http.get(reverse(home))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="accounts.session.expired", actor=user).exists()


def test_absolute_timeout_after_twelve_hours_even_when_active(db: None) -> None:
    user = make_client()
    with time_machine.travel(START, tick=False) as clock:
        http = _logged_in(user)
        statuses = []
        for _ in range(12 * 3 + 1):  # a request every 20 minutes for just over 12 hours
            clock.shift(dt.timedelta(minutes=20))
            statuses.append(http.get(reverse("client-home")).status_code)
        assert statuses[:-1] == [200] * (12 * 3)
        assert statuses[-1] == 302


def test_expired_session_login_page_says_why(db: None) -> None:
    user = make_client()
    with time_machine.travel(START, tick=False) as clock:
        http = _logged_in(user)
        clock.shift(dt.timedelta(minutes=31))
        response = http.get(reverse("client-home"), follow=True)
    assert "logged out after a period without activity" in response.content.decode()


def test_deactivated_person_is_logged_out_on_next_request(db: None) -> None:
    staff = make_staff()
    client = make_client(clinic=staff.clinic)
    http = _logged_in(client)
    actions.do_set_account_active(staff, person=client, active=False)
    assert http.get(reverse("client-home")).status_code == 302
    assert (
        Client()
        .post(reverse("login"), {"username": client.email, "password": PASSWORD})
        .status_code
        == 200
    )


def test_password_change_logs_out_other_sessions(db: None) -> None:
    user = make_client()
    laptop, phone = _logged_in(user), _logged_in(user)
    response = laptop.post(
        reverse("password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "an entirely new passphrase",
            "new_password2": "an entirely new passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("client-home")).status_code == 200
    assert phone.get(reverse("client-home")).status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password.changed", actor=user).count() == 1
