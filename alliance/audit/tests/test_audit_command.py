"""`alliance audit verify`: says the chain is intact, or names the first broken event."""

from __future__ import annotations

from io import StringIO
from typing import cast

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models

from alliance.audit.models import AuditEvent
from alliance.audit.trail import record_event
from tests.factories import ClinicFactory

TABLE = "audit_auditevent"


def _record_events(n: int) -> None:
    clinic = cast(models.Model, ClinicFactory())
    for i in range(n):
        record_event("tests.thing.touched", actor=None, obj=clinic, data={"n_items": i})


def _disable_append_only_trigger() -> None:
    # Plays the attacker, inside this test's transaction only (rolled back with it).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks on the table are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")


@pytest.mark.django_db
def test_verify_reports_an_intact_chain_with_its_count() -> None:
    _record_events(4)
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "intact" in out.getvalue()
    assert "4 events" in out.getvalue()


@pytest.mark.django_db
def test_verify_on_an_empty_trail_is_intact() -> None:
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "intact: 0 events" in out.getvalue()


@pytest.mark.django_db
def test_verify_names_the_first_altered_event() -> None:
    _record_events(5)
    _disable_append_only_trigger()
    AuditEvent.objects.filter(seq=3).update(action="tests.thing.forged")
    out = StringIO()

    with pytest.raises(CommandError, match=r"#3\b") as excinfo:
        call_command("audit", "verify", stdout=out)

    assert "broken" in str(excinfo.value)
    assert "2 events before it verified" in str(excinfo.value)
    assert "intact" not in out.getvalue()


@pytest.mark.django_db
def test_verify_names_a_deleted_event() -> None:
    _record_events(5)
    _disable_append_only_trigger()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [4])

    with pytest.raises(CommandError, match=r"#4 is missing"):
        call_command("audit", "verify")


def test_verify_requires_a_subcommand() -> None:
    with pytest.raises(CommandError):
        call_command("audit")
