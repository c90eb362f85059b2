"""The alerts API: the same access rules and workflow as the pages, with JSON status codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from alliance.alerts.actions import do_record_alert_action
from alliance.alerts.models import AlertKind, AlertState
from alliance.alerts.tests.helpers import NOW, alert_for, episode_in
from tests.factories import make_staff, make_therapist

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("alliance.alerts.tests.api_urls"),
    pytest.mark.time_machine(NOW, tick=False),
]
NS = "alerts_api_test"


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _url(name: str, alert=None) -> str:
    return reverse(f"{NS}:{name}", kwargs={"alert_id": alert.pk} if alert else None)


def test_the_therapist_lists_gets_and_filters_their_alerts() -> None:
    episode = episode_in()
    rupture = alert_for(episode, explanation={"rule": "rupture", "signals": []})
    alert_for(episode, kind=AlertKind.SAFETY)
    alert_for(episode_in())  # someone else's
    http = _as(episode.therapist)
    listed = http.get(_url("list_alerts"))
    assert listed.status_code == 200
    assert len(listed.json()) == 2
    only = http.get(_url("list_alerts"), {"kind": "rupture", "state": "open"}).json()
    assert [a["id"] for a in only] == [rupture.pk]
    one = http.get(_url("get_alert", rupture))
    assert one.status_code == 200
    assert one.json()["explanation"] == {"rule": "rupture", "signals": []}


def test_not_yours_is_404_and_anonymous_is_401() -> None:
    alert = alert_for(episode_in())
    colleague = make_therapist(clinic=alert.episode.clinic)
    assert _as(colleague).get(_url("get_alert", alert)).status_code == 404
    assert _as(colleague).post(_url("resolve_alert", alert)).status_code == 404
    assert Client().get(_url("list_alerts")).status_code == 401


def test_acknowledge_record_and_resolve_with_their_status_codes() -> None:
    alert = alert_for(episode_in())
    http = _as(alert.therapist)
    assert http.post(_url("resolve_alert", alert)).json()["code"] == "no_action_recorded"
    assert http.post(_url("resolve_alert", alert)).status_code == 409
    acknowledged = http.post(_url("acknowledge_alert", alert))
    assert (acknowledged.status_code, acknowledged.json()["state"]) == (200, "acknowledged")
    bad = http.post(_url("record_alert_action", alert), {"kind": "hugged"}, "application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_action")
    done = http.post(
        _url("record_alert_action", alert), {"kind": "discussed_alliance"}, "application/json"
    )
    assert done.status_code == 201
    assert [a["kind"] for a in done.json()["actions"]] == ["discussed_alliance"]
    resolved = http.post(_url("resolve_alert", alert))
    assert (resolved.status_code, resolved.json()["state"]) == (200, AlertState.RESOLVED)
    late = http.post(_url("record_alert_action", alert), {"kind": "other"}, "application/json")
    assert (late.status_code, late.json()["code"]) == (409, "alert_resolved")


def test_staff_act_on_escalated_safety_alerts_without_seeing_scores() -> None:
    episode = episode_in()
    staff = make_staff(clinic=episode.clinic)
    waiting = alert_for(episode, kind=AlertKind.SAFETY, explanation={"rule": "phq-9:item9_risk"})
    escalated = alert_for(
        episode, kind=AlertKind.SAFETY, escalated_at=NOW - dt.timedelta(minutes=5)
    )
    http = _as(staff)
    assert http.get(_url("get_alert", waiting)).status_code == 404
    listed = {a["id"]: a for a in http.get(_url("list_alerts")).json()}
    assert set(listed) == {waiting.pk, escalated.pk}
    assert listed[waiting.pk]["explanation"] is None
    assert listed[waiting.pk]["rule"] == ""
    done = http.post(
        _url("record_alert_action", escalated), {"kind": "contacted_client"}, "application/json"
    )
    assert done.status_code == 201
    assert http.post(_url("resolve_alert", escalated)).status_code == 200
    other_clinic = make_staff()
    assert _as(other_clinic).get(_url("get_alert", escalated)).status_code == 404


def test_the_therapist_sees_staff_actions_on_their_alert() -> None:
    episode = episode_in()
    staff = make_staff(clinic=episode.clinic)
    alert = alert_for(episode, kind=AlertKind.SAFETY, escalated_at=NOW)
    do_record_alert_action(staff, alert=alert, kind="contacted_client")
    body = _as(episode.therapist).get(_url("get_alert", alert)).json()
    assert [(a["kind"], a["by_id"]) for a in body["actions"]] == [("contacted_client", staff.pk)]
