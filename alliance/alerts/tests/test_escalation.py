"""Safety escalation: unacknowledged past the clinic's limit → passed to the clinic's staff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.accounts.actions import scheduler_actor
from alliance.alerts.actions import do_acknowledge_alert, do_escalate_overdue_safety_alerts
from alliance.alerts.models import Alert, AlertKind
from alliance.alerts.tests.helpers import NOW, alert_for, episode_in
from alliance.audit.models import AuditEvent
from tests.factories import make_clinic, make_staff

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def _escalate(now: dt.datetime) -> list[Alert]:
    return do_escalate_overdue_safety_alerts(scheduler_actor(), now=now)


def _escalations() -> int:
    return AuditEvent.objects.filter(action="alerts.alert.escalated").count()


def test_an_unacknowledged_safety_alert_escalates_after_the_clinics_limit_once() -> None:
    alert = alert_for(episode_in(), kind=AlertKind.SAFETY, created_at=NOW)
    assert _escalate(NOW + 60 * MINUTE) == []  # exactly 60 minutes: not older yet
    assert [a.pk for a in _escalate(NOW + 61 * MINUTE)] == [alert.pk]
    assert _escalate(NOW + 90 * MINUTE) == []
    alert.refresh_from_db()
    assert alert.escalated_at == NOW + 61 * MINUTE
    assert _escalations() == 1


def test_each_clinic_sets_its_own_limit_and_acknowledged_alerts_never_escalate() -> None:
    quick = episode_in(make_clinic(safety_escalation_minutes=10))
    fast = alert_for(quick, kind=AlertKind.SAFETY, created_at=NOW)
    slow = alert_for(episode_in(), kind=AlertKind.SAFETY, created_at=NOW)
    seen = alert_for(quick, kind=AlertKind.SAFETY, created_at=NOW)
    do_acknowledge_alert(quick.therapist, alert=seen)
    rupture = alert_for(quick, created_at=NOW)
    escalated = _escalate(NOW + 11 * MINUTE)
    assert [a.pk for a in escalated] == [fast.pk]
    assert {a.pk for a in _escalate(NOW + 3 * 60 * MINUTE)} == {slow.pk}
    rupture.refresh_from_db()
    assert rupture.escalated_at is None


def test_the_command_escalates(capsys: pytest.CaptureFixture[str]) -> None:
    alert_for(episode_in(), kind=AlertKind.SAFETY, created_at=NOW)
    with time_machine.travel(NOW + 2 * 60 * MINUTE, tick=False):
        call_command("alerts", "escalate")
    assert "1 safety alert(s) escalated" in capsys.readouterr().out


def test_the_staff_page_lists_safety_alerts_first_and_the_job_escalates_them() -> None:
    episode = episode_in()
    staff = make_staff(clinic=episode.clinic)
    safety = alert_for(episode, kind=AlertKind.SAFETY, created_at=NOW)
    old_rupture = alert_for(episode, created_at=NOW - dt.timedelta(days=8))
    alert_for(episode, created_at=NOW - dt.timedelta(days=2))  # not overdue: not listed
    http = Client()
    http.force_login(staff)
    with time_machine.travel(NOW + 30 * MINUTE, tick=False):
        page = http.get(reverse("staff-alerts")).content.decode()
        assert http.get(reverse("alert-detail", args=[safety.pk])).status_code == 404
    assert "30\xa0minutes ago" in page
    assert reverse("alert-detail", args=[safety.pk]) not in page  # not escalated yet
    assert page.count("Possible alliance rupture") == 1
    assert page.index("Safety: a risk answer") < page.index("Possible alliance rupture")
    with time_machine.travel(NOW + 61 * MINUTE, tick=False):
        http.force_login(staff)  # a staff session expires after 15 idle minutes
        overdue = http.get(reverse("staff-alerts")).content.decode()
        assert "overdue: passing to clinic staff" in overdue
        assert _escalations() == 0  # opening the page changes nothing
        call_command("alerts", "escalate")  # the scheduled job
        page = http.get(reverse("staff-alerts")).content.decode()
        assert http.get(reverse("alert-detail", args=[safety.pk])).status_code == 200
    assert "escalated" in page
    assert AuditEvent.objects.get(action="alerts.alert.escalated").actor == scheduler_actor()
    assert reverse("alert-detail", args=[safety.pk]) in page
    assert reverse("alert-detail", args=[old_rupture.pk]) not in page
    assert _escalations() == 1
