"""Raising alerts and working them: acknowledge → record an action → resolve, every step audited.

Who may act: the treating therapist on any of their alerts; staff of the episode's clinic only
on a safety alert that was escalated to them (its therapist did not acknowledge it in time).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.alerts.dropout import build_training_examples
from alliance.alerts.models import (
    ActionKind,
    Alert,
    AlertAction,
    AlertKind,
    AlertState,
    DropoutModelFit,
    Priority,
)
from alliance.audit.trail import Event, record_event, record_events
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.core.measures import Instrument
from alliance.core.monitoring import fit_dropout_model, model_to_json, validate_dropout_model
from alliance.measures.models import Response

logger = logging.getLogger(__name__)


def build_safety_alerts(response: Response, instrument: Instrument) -> list[Alert]:
    """Unsaved safety alerts, one for each critical flag the response set.

    Critical flags are declared in the instrument files: any answer above 0 on PHQ-9 item 9 or
    CORE-10 item 6, whatever the total (Simon et al. 2013; Louzon et al. 2016; CORE-10 item 6
    is its risk item, Connell & Barkham 2007).
    """
    if response.episode is None:
        return []
    return [
        Alert(
            kind=AlertKind.SAFETY,
            priority=Priority.HIGHEST,
            episode=response.episode,
            therapist=response.episode.therapist,
            rule=f"{instrument.id}:{flag.id}",
            cause=f"response:{response.pk}:{flag.id}",
            response=response,
            explanation={"rule": f"{instrument.id}:{flag.id}", "instrument": instrument.id},
            created_at=response.created_at,
        )
        for flag in instrument.flags
        if flag.critical and response.flags.get(flag.id)
    ]


@transaction.atomic(savepoint=False)  # part of the caller's transaction: no extra savepoint
def do_open_safety_alerts(response: Response, instrument: Instrument) -> list[Alert]:
    """Open the response's safety alerts. Only ever part of a submission, which appends their
    events with its own, its submitter as actor (see :func:`raised_events`)."""
    alerts = build_safety_alerts(response, instrument)
    Alert.objects.bulk_create(alerts)
    return alerts


@transaction.atomic(savepoint=False)  # part of the caller's transaction: no extra savepoint
def do_raise_alerts(
    actor: User | None, *, alerts: Sequence[Alert], audit: bool = True
) -> list[Alert]:
    """Store new monitoring alerts, skipping any whose ``cause`` already raised one, and audit
    those stored with the actor whose change raised them; returns those stored. With
    ``audit=False`` the caller appends their events (:func:`raised_events`) with its own.

    One insert in the common case; the savepoint keeps a lost race on the unique ``cause``
    from breaking the caller's transaction, and then each alert is tried alone."""
    stored = _store_alerts(alerts)
    if audit:
        record_events(raised_events(stored, actor=actor))
    return stored


def _store_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    if not alerts:
        return []
    try:
        with transaction.atomic():
            Alert.objects.bulk_create(alerts)
    except IntegrityError:
        return [alert for alert in alerts if _store_alert(alert) is not None]
    return list(alerts)


def raised_events(alerts: Sequence[Alert], *, actor: User | None = None) -> list[Event]:
    """The trail says an alert exists and of which kind, never its rule or figures; a safety
    alert not even its kind ("an alert about this client" is all). The actor is whoever's
    change raised it; a check-in fills in its submitter when it appends these."""
    return [
        Event(
            "alerts.alert.raised",
            actor,
            a,
            None if a.kind == AlertKind.SAFETY else {"kind": a.kind},
        )
        for a in alerts
    ]


def _store_alert(alert: Alert) -> Alert | None:
    """Store one alert unless its ``cause`` already raised one (then ``None``)."""
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        if Alert.objects.filter(cause=alert.cause).exists():
            return None
        raise
    return alert


def may_act_on(actor: User, alert: Alert) -> bool:
    """The treating therapist always; staff of the clinic only on an escalated safety alert."""
    if actor.pk == alert.therapist_id:
        return True
    return (
        actor.is_clinic_staff
        and actor.clinic_id is not None
        and actor.clinic_id == alert.episode.clinic_id
        and alert.kind == AlertKind.SAFETY
        and alert.escalated_at is not None
    )


def _locked(actor: User, alert: Alert) -> Alert:
    locked = Alert.objects.select_for_update().select_related("episode").get(pk=alert.pk)
    if not may_act_on(actor, locked):
        raise PermissionDenied("Only the treating therapist can act on this alert.")
    return locked


def _side(actor: User, alert: Alert) -> str:
    return "therapist" if actor.pk == alert.therapist_id else "staff"


def _acknowledge(actor: User, alert: Alert, now: dt.datetime) -> None:
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    record_event(
        "alerts.alert.acknowledged", actor=actor, obj=alert, data={"by": _side(actor, alert)}
    )


@transaction.atomic
def do_acknowledge_alert(actor: User, *, alert: Alert, now: dt.datetime | None = None) -> Alert:
    """Confirm the alert was seen and will be followed up; a second acknowledgement is a no-op."""
    alert = _locked(actor, alert)
    if alert.state == AlertState.OPEN:
        _acknowledge(actor, alert, now or timezone.now())
    return alert


@transaction.atomic
def do_record_alert_action(
    actor: User, *, alert: Alert, kind: str, now: dt.datetime | None = None
) -> AlertAction:
    """Record what was done. An action on an open alert acknowledges it first (both audited)."""
    if kind not in ActionKind.values:
        raise InvalidInput("Choose what was done from the list.", code="invalid_action")
    now = now or timezone.now()
    alert = _locked(actor, alert)
    if alert.state == AlertState.RESOLVED:
        raise Conflict("This alert is already resolved.", code="alert_resolved")
    if alert.state == AlertState.OPEN:
        _acknowledge(actor, alert, now)
    action = AlertAction.objects.create(alert=alert, kind=kind, by=actor, at=now)
    alert.state = AlertState.ACTIONED
    alert.save(update_fields=["state"])
    record_event(
        "alerts.alert.action_recorded",
        actor=actor,
        obj=alert,
        data={"action": kind, "action_id": action.pk, "by": _side(actor, alert)},
    )
    return action


@transaction.atomic
def do_resolve_alert(actor: User, *, alert: Alert, now: dt.datetime | None = None) -> Alert:
    """Close the alert. Refused (nothing changes) until at least one action is recorded."""
    alert = _locked(actor, alert)
    if alert.state == AlertState.RESOLVED:
        return alert
    if not alert.actions.exists():
        raise Conflict(
            "Record what was done about this alert before resolving it.",
            code="no_action_recorded",
        )
    alert.state = AlertState.RESOLVED
    alert.resolved_at = now or timezone.now()
    alert.resolved_by = actor
    alert.save(update_fields=["state", "resolved_at", "resolved_by"])
    record_event("alerts.alert.resolved", actor=actor, obj=alert, data={"by": _side(actor, alert)})
    return alert


def overdue_for_escalation(alert: Alert, now: dt.datetime) -> bool:
    """A safety alert still open and not escalated ``Clinic.safety_escalation_minutes`` after
    it was raised (a pure reading: nothing is changed)."""
    if alert.kind != AlertKind.SAFETY or alert.state != AlertState.OPEN:
        return False
    if alert.escalated_at is not None:
        return False
    limit = dt.timedelta(minutes=alert.episode.clinic.safety_escalation_minutes)
    return now - alert.created_at > limit


@transaction.atomic
def do_escalate_safety_alert(actor: User, *, alert: Alert, now: dt.datetime) -> bool:
    """Pass one overdue safety alert to its clinic's staff. Idempotent, even with concurrent
    callers: only the caller whose conditional update claims it escalates and audits it."""
    claimed = Alert.objects.filter(
        pk=alert.pk, kind=AlertKind.SAFETY, state=AlertState.OPEN, escalated_at__isnull=True
    ).update(escalated_at=now)
    if not claimed:
        return False
    alert.escalated_at = now
    record_event("alerts.alert.escalated", actor=actor, obj=alert)
    return True


def do_escalate_overdue_safety_alerts(
    actor: User, *, now: dt.datetime, clinic: Clinic | None = None
) -> list[Alert]:
    """Escalate every safety alert left unacknowledged past its clinic's limit, each in its own
    transaction (a failure is logged and the others still escalate). The scheduled job
    (``alliance alerts escalate``); returns the alerts this call escalated.
    """
    candidates = Alert.objects.filter(
        kind=AlertKind.SAFETY, state=AlertState.OPEN, escalated_at__isnull=True, created_at__lt=now
    ).select_related("episode__clinic")
    if clinic is not None:
        candidates = candidates.filter(episode__clinic=clinic)
    escalated = []
    for alert in candidates.order_by("created_at", "pk"):
        if not overdue_for_escalation(alert, now):
            continue
        try:
            if do_escalate_safety_alert(actor, alert=alert, now=now):
                escalated.append(alert)
        except Exception:
            logger.exception("escalating safety alert %s failed", alert.pk)
    return escalated


@transaction.atomic
def do_fit_dropout_model(
    actor: User | None,
    *,
    clinic: Clinic,
    now: dt.datetime,
    test_share: float = 0.3,
    seed: int = 0,
) -> DropoutModelFit:
    """Validate on a held-out share of the clinic's history, then fit on all of it and store
    the model with the held-out figures (docs/dropout-model.md). Raises :class:`InvalidInput`
    when the history is too small (``too_few_examples``)."""
    examples = build_training_examples(clinic)
    if not examples:
        raise InvalidInput(
            "No ended episode reached the prediction point (3 counted sessions).",
            code="too_few_examples",
        )
    validation = validate_dropout_model(examples, test_share=test_share, seed=seed)
    model = fit_dropout_model(examples)
    fit = DropoutModelFit.objects.create(
        clinic=clinic,
        fitted_at=now,
        model=model_to_json(model),
        validation={
            "auc": validation.auc,
            "brier": validation.brier,
            "calibration": [list(row) for row in validation.calibration],
            "n_train": validation.n_train,
            "n_test": validation.n_test,
            "n_examples": len(examples),
            "n_dropped_out": sum(e.dropped_out for e in examples),
            "seed": seed,
            "test_share": test_share,
        },
    )
    record_event(
        "alerts.dropout_model.fitted",
        actor=actor,
        obj=fit,
        data={"n_train": validation.n_train, "n_test": validation.n_test},
    )
    return fit
