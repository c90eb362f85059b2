"""The audit trail: payload policy, append-only storage, hash-chain verification, concurrency."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction

from alliance.audit.models import AuditEvent, AuditImmutableError
from alliance.audit.trail import GENESIS, AuditPayloadError, record_event, verify_chain
from tests.factories import ClinicFactory, make_staff

TABLE = "audit_auditevent"
SQLITE_TRIGGER = (
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)
N_EVENTS = 6


def _record_events(n: int = N_EVENTS) -> list[AuditEvent]:
    clinic = cast(models.Model, ClinicFactory())
    actor = make_staff(clinic=clinic)
    return [
        record_event("tests.thing.touched", actor=actor, obj=clinic, data={"n_items": i})
        for i in range(1, n + 1)
    ]


@contextmanager
def _append_only_trigger_disabled() -> Iterator[None]:
    """Switch the database trigger off, for this test transaction only, to play the attacker."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred foreign-key checks on the table are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_append_only")
        else:
            cursor.execute("DROP TRIGGER audit_no_update")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_append_only")
            else:
                cursor.execute(SQLITE_TRIGGER)


def _raw(sql: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# Writing ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_chain_of_several_events_verifies() -> None:
    events = _record_events()

    report = verify_chain()

    assert report.ok, report.reason
    assert report.n_checked == N_EVENTS
    assert [e.seq for e in AuditEvent.objects.all()] == list(range(1, N_EVENTS + 1))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.django_db
def test_record_event_stores_ids_and_codes_in_utc() -> None:
    clinic = cast(models.Model, ClinicFactory())
    at = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)

    with time_machine.travel(at, tick=False):
        event = record_event("clinics.clinic.renamed", actor=None, obj=clinic, data={"ok": True})

    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.at == at
    assert stored.actor_id is None
    assert (stored.object_type, stored.object_id) == ("accounts.clinic", str(clinic.pk))
    assert stored.data == {"ok": True}
    assert verify_chain().ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"note": "Feeling anxious about my mother"}, id="free-text"),
        pytest.param({"name": "Priya Sharma"}, id="name"),
        pytest.param({"email": "priya.sharma@example.org"}, id="email"),
        pytest.param({"reason": "x" * 65}, id="long-code"),
        pytest.param({"answers": [1, 2, 3]}, id="list"),
        pytest.param({"profile": {"city": "pune"}}, id="nested"),
        pytest.param({"score": 4.5}, id="float"),
        pytest.param({"First name": "a"}, id="key-with-space"),
        pytest.param({"Name": "a"}, id="key-upper-case"),
        pytest.param({"1st": "a"}, id="key-digit-first"),
        pytest.param({"patient-name": "a"}, id="key-hyphen"),
        pytest.param({"k" * 41: 1}, id="key-too-long"),
    ],
)
def test_payload_policy_refuses_anything_but_ids_flags_and_codes(data: dict[str, object]) -> None:
    with pytest.raises(AuditPayloadError):
        record_event("tests.thing.touched", actor=None, data=data)

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    ["created", "Accounts.user.created", "accounts..created", "accounts.user.created ", "", "a.B"],
)
def test_payload_policy_refuses_malformed_action_codes(action: str) -> None:
    with pytest.raises(AuditPayloadError):
        record_event(action, actor=None)

    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_payload_policy_accepts_ids_counts_flags_and_codes() -> None:
    data = {"n_clients": 3, "active": False, "role": "therapist", "ref": "a1:b-2.c_3", "x": None}

    event = record_event("accounts.user.created", actor=None, data=data)

    assert AuditEvent.objects.get(seq=event.seq).data == data


# Append-only -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_an_existing_event_again_is_refused() -> None:
    event = _record_events(1)[0]
    event.action = "tests.thing.forged"

    with pytest.raises(AuditImmutableError):
        event.save()

    assert AuditEvent.objects.get(seq=event.seq).action == "tests.thing.touched"


@pytest.mark.django_db
def test_deleting_an_event_through_the_model_is_refused() -> None:
    event = _record_events(1)[0]

    with pytest.raises(AuditImmutableError):
        event.delete()

    assert AuditEvent.objects.filter(seq=event.seq).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update() -> None:
    _record_events(3)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET action = %s WHERE seq = %s", ["tests.thing.forged", 2])

    assert AuditEvent.objects.get(seq=2).action == "tests.thing.touched"
    assert verify_chain().ok


@pytest.mark.django_db
def test_the_database_refuses_a_queryset_update() -> None:
    _record_events(3)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(data={"n_items": 99})

    assert AuditEvent.objects.get(seq=2).data == {"n_items": 2}


@pytest.mark.postgres  # SQLite keeps DELETE possible for the test runner; verify_chain catches it
@pytest.mark.django_db
def test_the_database_refuses_a_raw_delete_on_postgresql() -> None:
    _record_events(3)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [2])

    assert AuditEvent.objects.count() == 3


@pytest.mark.django_db
def test_disabling_the_trigger_in_a_test_is_undone_afterwards() -> None:
    # The tamper tests below rely on this helper leaving the trigger as it found it.
    _record_events(2)
    with _append_only_trigger_disabled():
        _raw(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["0", 1])

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["0", 2])


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_trigger_drop_leaves_the_trigger_in_place() -> None:
    # Tests run inside a transaction that is rolled back; DDL on both vendors is transactional,
    # so a trigger dropped in a test comes back at the end of it. Check it rather than trust it.
    class _Rollback(Exception):
        pass

    def drop_trigger_then_fail() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER audit_append_only ON {TABLE}")
            else:
                cursor.execute("DROP TRIGGER audit_no_update")
            raise _Rollback

    with pytest.raises(_Rollback):
        drop_trigger_then_fail()

    _record_events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["0", 2])


# Tamper detection ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("k", [1, 3, N_EVENTS])
def test_changing_one_byte_of_an_action_is_reported_at_that_event(k: int) -> None:
    _record_events()

    with _append_only_trigger_disabled():
        # "tests.thing.touched" -> "tests.thing.toucheD": one byte.
        AuditEvent.objects.filter(seq=k).update(action="tests.thing.toucheD")

    report = verify_chain()
    assert not report.ok
    assert report.broken_at == k
    assert report.n_checked == k - 1
    assert f"#{k}" in report.reason


@pytest.mark.django_db
@pytest.mark.parametrize("k", [1, 4, N_EVENTS])
def test_changing_one_byte_of_the_data_is_reported_at_that_event(k: int) -> None:
    _record_events()

    with _append_only_trigger_disabled():
        # {"n_items": k} -> {"n_items": k + 1}: one digit.
        AuditEvent.objects.filter(seq=k).update(data={"n_items": k + 1})

    report = verify_chain()
    assert not report.ok
    assert report.broken_at == k


@pytest.mark.django_db
def test_rehashing_an_altered_event_is_reported_at_the_next_one() -> None:
    from alliance.audit.trail import compute_hash

    _record_events()
    forged = AuditEvent.objects.get(seq=3)
    forged.data = {"n_items": 30}
    new_hash = compute_hash(forged.prev_hash, forged)

    with _append_only_trigger_disabled():
        AuditEvent.objects.filter(seq=3).update(data=forged.data, hash=new_hash)

    report = verify_chain()
    assert not report.ok
    assert report.broken_at == 4


@pytest.mark.django_db
@pytest.mark.parametrize("k", [2, 4])
def test_deleting_an_event_in_the_middle_is_reported_at_that_event(k: int) -> None:
    _record_events()

    with _append_only_trigger_disabled():
        _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [k])

    report = verify_chain()
    assert not report.ok
    assert report.broken_at == k
    assert report.n_checked == k - 1
    assert "missing" in report.reason


# Concurrency -----------------------------------------------------------------------------------

N_THREADS = 8
N_PER_THREAD = 10


# pytest-django's shared-cache in-memory SQLite answers "database table is locked" instead of
# waiting; test_concurrent_writers_on_a_sqlite_file_never_fork_the_chain covers SQLite.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    barrier = threading.Barrier(N_THREADS, timeout=30)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(N_PER_THREAD):
                record_event("tests.thing.touched", actor=None, data={"worker": worker, "i": i})
        except BaseException as exc:  # collected and asserted on in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    report = verify_chain()
    assert report.ok, report.reason
    assert report.n_checked == N_THREADS * N_PER_THREAD
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, N_THREADS * N_PER_THREAD + 1))
    per_worker = {w: AuditEvent.objects.filter(data__worker=w).count() for w in range(N_THREADS)}
    assert set(per_worker.values()) == {N_PER_THREAD}


# Runs in a fresh interpreter against a SQLite *file* configured exactly as in production
# (WAL, IMMEDIATE transactions, busy timeout), which the in-memory test database is not.
_SQLITE_WRITERS = f"""
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from alliance.audit.models import AuditEvent
from alliance.audit.trail import record_event, verify_chain

call_command("migrate", verbosity=0, interactive=False)
barrier = threading.Barrier({N_THREADS}, timeout=30)
errors = []

def write(worker):
    try:
        barrier.wait()
        for i in range({N_PER_THREAD}):
            record_event("tests.thing.touched", actor=None, data={{"worker": worker, "i": i}})
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=write, args=(n,)) for n in range({N_THREADS})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(60)
report = verify_chain()
seqs = list(AuditEvent.objects.values_list("seq", flat=True))
print(json.dumps({{"errors": errors, "ok": report.ok, "n_checked": report.n_checked,
                  "reason": report.reason, "seqs": seqs}}))
"""


@pytest.mark.slow
@pytest.mark.subprocess
def test_concurrent_writers_on_a_sqlite_file_never_fork_the_chain(tmp_path: Path) -> None:
    script = tmp_path / "writers.py"
    script.write_text(_SQLITE_WRITERS)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        "ALLIANCE_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(settings.BASE_DIR.parent),
    }

    done = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["errors"] == []
    assert result["ok"], result["reason"]
    assert result["n_checked"] == N_THREADS * N_PER_THREAD
    assert result["seqs"] == list(range(1, N_THREADS * N_PER_THREAD + 1))
