"""`alliance jobs`: the scheduled work runs without any page view, as the scheduler."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from alliance.accounts.actions import scheduler_actor
from alliance.alerts.models import AlertKind
from alliance.alerts.tests.helpers import NOW, alert_for, episode_in
from alliance.audit.models import AuditEvent
from alliance.web.management.commands import jobs


@pytest.mark.django_db
def test_once_escalates_an_overdue_safety_alert_as_the_scheduler() -> None:
    alert = alert_for(episode_in(), kind=AlertKind.SAFETY, created_at=NOW)
    out = StringIO()
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        call_command("jobs", "--once", stdout=out)
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    event = AuditEvent.objects.get(action="alerts.alert.escalated")
    assert event.actor_id == scheduler_actor().pk
    assert out.getvalue().strip() == f"{len(jobs.JOBS)} of {len(jobs.JOBS)} jobs ran."


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch, caplog) -> None:
    ran: list[tuple[str, ...]] = []

    def fake_call(*command: str, **kwargs: object) -> None:
        ran.append(command)
        if command[0] == "alerts":
            raise RuntimeError("database is sick")

    monkeypatch.setattr(jobs, "call_command", fake_call)
    assert [jobs.run_job(job) for job in jobs.JOBS] == [False, True, True]
    assert ran == [job.command for job in jobs.JOBS]
    assert "job alerts escalate failed" in caplog.text


def test_the_loop_runs_each_job_on_its_interval_and_stops_with_its_parent(monkeypatch) -> None:
    ran: list[tuple[str, ...]] = []

    def record(job: jobs.Job) -> bool:
        ran.append(job.command)
        return True

    monkeypatch.setattr(jobs, "run_job", record)
    monkeypatch.setattr(jobs, "close_old_connections", lambda: ran.append(("reconnect",)))
    clock = itertools.count(0.0, 30.0)  # each turn of the loop is 30 s later
    monkeypatch.setattr(jobs.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(jobs.time, "sleep", lambda seconds: None)
    parents = iter([42] * 5 + [1])  # the server's process goes away after five turns
    monkeypatch.setattr(jobs.os, "getppid", lambda: next(parents))

    jobs.Command()._loop(parent=42, scale=1.0)

    escalations = [c for c in ran if c == ("alerts", "escalate")]
    assert len(escalations) == 3  # at 0, 60 and 120 s of five 30-s turns
    assert ran.count(("sessions", "extend")) == 1
    assert ran.count(("reviews", "open-due")) == 1
    assert ran[::2] == [("reconnect",)] * 5  # a dead connection is dropped before every job
