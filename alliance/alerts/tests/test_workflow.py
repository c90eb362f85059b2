"""Working an alert: acknowledge → record an action → resolve, each step audited."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.alerts.actions import do_acknowledge_alert, do_record_alert_action, do_resolve_alert
from alliance.alerts.models import AlertAction, AlertKind, AlertState
from alliance.alerts.tests.helpers import NOW, alert_for, episode_in
from alliance.audit.models import AuditEvent
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import make_staff, make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def _trail(alert) -> list[tuple[str, dict]]:
    events = AuditEvent.objects.filter(object_type="alerts.alert", object_id=str(alert.pk))
    return list(events.order_by("seq").values_list("action", "data"))


def test_acknowledge_then_act_then_resolve() -> None:
    alert = alert_for(episode_in())
    therapist = alert.therapist
    do_acknowledge_alert(therapist, alert=alert)
    do_acknowledge_alert(therapist, alert=alert)  # a second time changes nothing
    action = do_record_alert_action(therapist, alert=alert, kind="discussed_alliance")
    alert.refresh_from_db()
    assert alert.state == AlertState.ACTIONED
    do_resolve_alert(therapist, alert=alert, now=NOW + dt.timedelta(days=1))
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_by, alert.resolved_at) == (
        AlertState.RESOLVED,
        therapist,
        NOW + dt.timedelta(days=1),
    )
    assert (alert.acknowledged_by, alert.acknowledged_at) == (therapist, NOW)
    assert _trail(alert) == [
        ("alerts.alert.acknowledged", {"by": "therapist"}),
        (
            "alerts.alert.action_recorded",
            {"action": "discussed_alliance", "action_id": action.pk, "by": "therapist"},
        ),
        ("alerts.alert.resolved", {"by": "therapist"}),
    ]


def test_resolving_without_an_action_is_refused_and_changes_nothing() -> None:
    alert = alert_for(episode_in())
    do_acknowledge_alert(alert.therapist, alert=alert)
    before = _trail(alert)
    with pytest.raises(Conflict) as refused:
        do_resolve_alert(alert.therapist, alert=alert)
    assert refused.value.code == "no_action_recorded"
    assert "Record what was done" in refused.value.detail
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_at, alert.resolved_by) == (
        AlertState.ACKNOWLEDGED,
        None,
        None,
    )
    assert _trail(alert) == before


def test_an_action_on_an_open_alert_acknowledges_it_first() -> None:
    alert = alert_for(episode_in())
    do_record_alert_action(alert.therapist, alert=alert, kind="adjusted_approach")
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == (AlertState.ACTIONED, alert.therapist)
    assert [action for action, _ in _trail(alert)] == [
        "alerts.alert.acknowledged",
        "alerts.alert.action_recorded",
    ]


def test_unknown_actions_and_actions_on_resolved_alerts_are_refused() -> None:
    alert = alert_for(episode_in())
    with pytest.raises(InvalidInput):
        do_record_alert_action(alert.therapist, alert=alert, kind="hugged")
    do_record_alert_action(alert.therapist, alert=alert, kind="other")
    do_resolve_alert(alert.therapist, alert=alert)
    with pytest.raises(Conflict):
        do_record_alert_action(alert.therapist, alert=alert, kind="other")
    assert AlertAction.objects.filter(alert=alert).count() == 1


def test_only_the_treating_therapist_or_staff_on_escalated_safety_alerts_may_act() -> None:
    episode = episode_in()
    staff = make_staff(clinic=episode.clinic)
    colleague = make_therapist(clinic=episode.clinic)
    rupture = alert_for(episode)
    safety = alert_for(episode, kind=AlertKind.SAFETY)
    for actor, alert in [(colleague, rupture), (staff, rupture), (staff, safety)]:
        with pytest.raises(PermissionDenied):
            do_acknowledge_alert(actor, alert=alert)
    safety.escalated_at = NOW
    safety.save()
    do_acknowledge_alert(staff, alert=safety)
    do_record_alert_action(staff, alert=safety, kind="contacted_client")
    do_resolve_alert(staff, alert=safety)
    assert [data for _, data in _trail(safety)] == [
        {"by": "staff"},
        {"action": "contacted_client", "action_id": safety.actions.get().pk, "by": "staff"},
        {"by": "staff"},
    ]
    with pytest.raises(PermissionDenied):
        do_acknowledge_alert(make_staff(), alert=safety)  # staff of another clinic
