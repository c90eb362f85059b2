from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from alliance.accounts.models import Clinic, Role, User
from alliance.audit.models import AuditEvent


def test_setup_creates_clinic_and_staff(db: None, monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_SETUP_PASSWORD", "a strong first passphrase")
    call_command("setup", "--clinic", "Harbour Counselling", "--email", "Admin@Harbour.org")
    staff = User.objects.get()
    assert (staff.email, staff.role, staff.clinic.slug if staff.clinic else None) == (
        "admin@harbour.org",
        Role.STAFF,
        "harbour-counselling",
    )
    assert staff.check_password("a strong first passphrase")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "clinics.clinic.created",
        "accounts.user.created",
    ]


def test_setup_with_weak_password_stores_nothing(db: None, monkeypatch) -> None:
    monkeypatch.setenv("ALLIANCE_SETUP_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("setup", "--clinic", "Harbour", "--email", "a@harbour.org")
    assert not Clinic.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
