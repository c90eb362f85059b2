"""Alerts over the API, through the same access helpers and actions as the pages.

Clinic staff get no ``explanation`` (it holds clinical scores); they see the kind, the client,
the therapist and the times, as on their page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from alliance.accounts.http import request_user
from alliance.accounts.models import User
from alliance.alerts.access import get_alert_for_user, get_alerts_for_user
from alliance.alerts.actions import do_acknowledge_alert, do_record_alert_action, do_resolve_alert
from alliance.alerts.models import Alert, AlertAction

router = Router(tags=["alerts"])


class ActionOut(Schema):
    id: int
    kind: str
    by_id: int
    at: dt.datetime


class AlertOut(Schema):
    id: int
    kind: str
    priority: int
    state: str
    rule: str
    episode_id: int
    client_id: int
    therapist_id: int
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    escalated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    actions: list[ActionOut]
    explanation: dict[str, Any] | None = None


class ActionIn(Schema):
    kind: str


def _out(alert: Alert, viewer: User) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "priority": alert.priority,
        "state": alert.state,
        "rule": alert.rule if viewer.pk == alert.therapist_id else "",
        "episode_id": alert.episode_id,
        "client_id": alert.episode.client_id,
        "therapist_id": alert.therapist_id,
        "created_at": alert.created_at,
        "acknowledged_at": alert.acknowledged_at,
        "escalated_at": alert.escalated_at,
        "resolved_at": alert.resolved_at,
        "actions": [_action(a) for a in alert.actions.all()],
        "explanation": alert.explanation if viewer.pk == alert.therapist_id else None,
    }


def _action(action: AlertAction) -> dict[str, Any]:
    return {"id": action.pk, "kind": action.kind, "by_id": action.by_id, "at": action.at}


def _fresh(viewer: User, alert_id: int) -> dict[str, Any]:
    return _out(get_alert_for_user(viewer, alert_id), viewer)


@router.get("/alerts", response=list[AlertOut], url_name="list_alerts", summary="Your alerts")
def list_alerts(
    request: HttpRequest, state: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    viewer = request_user(request)
    alerts: QuerySet[Alert] = (
        get_alerts_for_user(viewer, now=timezone.now())
        .select_related("episode")
        .prefetch_related("actions")
    )
    if state:
        alerts = alerts.filter(state=state)
    if kind:
        alerts = alerts.filter(kind=kind)
    return [_out(alert, viewer) for alert in alerts.order_by("priority", "-created_at")[:500]]


@router.get("/alerts/{alert_id}", response=AlertOut, url_name="get_alert", summary="One alert")
def get_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    return _fresh(request_user(request), alert_id)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response=AlertOut,
    url_name="acknowledge_alert",
    summary="Acknowledge an alert",
)
def acknowledge_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    viewer = request_user(request)
    do_acknowledge_alert(viewer, alert=get_alert_for_user(viewer, alert_id))
    return _fresh(viewer, alert_id)


@router.post(
    "/alerts/{alert_id}/actions",
    response={201: AlertOut},
    url_name="record_alert_action",
    summary="Record what was done (acknowledges an open alert)",
)
def record_alert_action(request: HttpRequest, alert_id: int, payload: ActionIn) -> Status:
    viewer = request_user(request)
    do_record_alert_action(viewer, alert=get_alert_for_user(viewer, alert_id), kind=payload.kind)
    return Status(201, _fresh(viewer, alert_id))


@router.post(
    "/alerts/{alert_id}/resolve",
    response=AlertOut,
    url_name="resolve_alert",
    summary="Resolve an alert (409 until an action is recorded)",
)
def resolve_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    viewer = request_user(request)
    do_resolve_alert(viewer, alert=get_alert_for_user(viewer, alert_id))
    return _fresh(viewer, alert_id)
