"""Alert pages: the therapist's list, the clinic staff's list and one alert with its workflow.

Each workflow form posts to a small endpoint that redirects back to the alert; a refused step
shows the alert again with the reason and status 400.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.alerts.access import get_alert_for_user, get_alerts_for_user
from alliance.alerts.actions import (
    do_acknowledge_alert,
    do_record_alert_action,
    do_resolve_alert,
    overdue_for_escalation,
)
from alliance.alerts.explain import describe_age, describe_alert
from alliance.alerts.forms import ActionForm
from alliance.alerts.models import UNRESOLVED, Alert, AlertKind, AlertState
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied

# What a workflow step may refuse with; NotFound is left to the middleware (a 404 page).
REFUSED = (InvalidInput, Conflict, PermissionDenied)


@dataclass(frozen=True)
class Row:
    """One line of an alert list, ready to print."""

    alert: Alert
    client: str
    therapist: str
    age: str
    escalated: bool
    overdue: bool  # past the clinic's limit; the next escalation run passes it to staff
    can_open: bool


def _rows(alerts: list[Alert], viewer: User, now: dt.datetime) -> list[Row]:
    return [
        Row(
            alert=alert,
            client=alert.episode.client.full_name,
            therapist=alert.therapist.full_name,
            age=describe_age(alert, now),
            escalated=alert.escalated_at is not None,
            overdue=overdue_for_escalation(alert, now),
            can_open=viewer.pk == alert.therapist_id
            or (alert.kind == AlertKind.SAFETY and alert.escalated_at is not None),
        )
        for alert in alerts
    ]


def _detail(
    request: HttpRequest,
    alert: Alert,
    *,
    form: ActionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    viewer = request_user(request)
    is_therapist = viewer.pk == alert.therapist_id
    context = {
        "alert": alert,
        # Staff act on escalated safety alerts but do not read clinical scores.
        "view": describe_alert(alert) if is_therapist else None,
        "is_therapist": is_therapist,
        "age": describe_age(alert, timezone.now()),
        "actions": list(alert.actions.select_related("by")),
        "form": form or ActionForm(),
        "error": error,
        "can_act": alert.state != AlertState.RESOLVED,
        "can_acknowledge": alert.state == AlertState.OPEN,
        "list_url": "therapist-alerts" if viewer.is_therapist else "staff-alerts",
    }
    return render(request, "alerts/alert_detail.html", context, status=status)


def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return _detail(request, get_alert_for_user(request_user(request), alert_id))


@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request_user(request)
    alert = get_alert_for_user(user, alert_id)
    try:
        do_acknowledge_alert(user, alert=alert)
    except REFUSED as exc:
        return _detail(request, alert, error=exc.detail, status=400)
    messages.success(request, "Alert acknowledged. Record what you do about it.")
    return redirect("alert-detail", alert_id=alert.pk)


@require_POST
def record_action(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request_user(request)
    alert = get_alert_for_user(user, alert_id)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _detail(request, alert, form=form, status=400)
    try:
        do_record_alert_action(user, alert=alert, kind=form.cleaned_data["kind"])
    except REFUSED as exc:
        return _detail(request, alert, form=form, error=exc.detail, status=400)
    messages.success(request, "Recorded. Resolve the alert once it is dealt with.")
    return redirect("alert-detail", alert_id=alert.pk)


@require_POST
def resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = request_user(request)
    alert = get_alert_for_user(user, alert_id)
    try:
        do_resolve_alert(user, alert=alert)
    except REFUSED as exc:
        return _detail(request, alert, error=exc.detail, status=400)
    messages.success(request, "Alert resolved.")
    return redirect("alert-detail", alert_id=alert.pk)


def therapist_alerts(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.THERAPIST)
    now = timezone.now()
    alerts = get_alerts_for_user(user).select_related(
        "episode__client", "episode__clinic", "therapist"
    )
    open_alerts = list(alerts.filter(state=AlertState.OPEN).order_by("priority", "created_at"))
    waiting = list(
        alerts.filter(state__in=[AlertState.ACKNOWLEDGED, AlertState.ACTIONED]).order_by(
            "priority", "created_at"
        )
    )
    context = {"open": _rows(open_alerts, user, now), "waiting": _rows(waiting, user, now)}
    return render(request, "alerts/therapist_alerts.html", context)


def staff_alerts(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.STAFF)
    now = timezone.now()
    # Read-only: escalation is the scheduled job's (``alliance jobs``), never a page view's.
    alerts = get_alerts_for_user(user, now=now).select_related(
        "episode__client", "episode__clinic", "therapist"
    )
    safety = alerts.filter(kind=AlertKind.SAFETY).order_by("created_at")
    unacknowledged = list(safety.filter(state=AlertState.OPEN))
    escalated = list(
        safety.filter(
            state__in=[AlertState.ACKNOWLEDGED, AlertState.ACTIONED], escalated_at__isnull=False
        )
    )
    overdue = list(
        alerts.exclude(kind=AlertKind.SAFETY).filter(state__in=UNRESOLVED).order_by("created_at")
    )
    context = {
        "unacknowledged": _rows(unacknowledged, user, now),
        "escalated": _rows(escalated, user, now),
        "overdue": _rows(overdue, user, now),
        "minutes": user.clinic.safety_escalation_minutes if user.clinic else None,
    }
    return render(request, "alerts/staff_alerts.html", context)
