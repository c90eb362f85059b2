from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from alerts.models import Alert, AlertKind, AlertState, Priority
from audit.trail import record_event
from core.errors import PermissionDenied
from core.measures import Instrument
from measures.models import Response


def build_safety_alerts(response: Response, instrument: Instrument) -> list[Alert]:
    """Unsaved safety alerts, one for each critical flag the response set.

    Critical flags are declared in the instrument files: any answer above 0 on PHQ-9 item 9 or
    CORE-10 item 6, whatever the total (clinical.md §2.1.1 and §2.3; reference/security.md §5.2).
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
            created_at=response.created_at,
        )
        for flag in instrument.flags
        if flag.critical and response.flags.get(flag.id)
    ]


def raise_safety_alerts(response: Response, instrument: Instrument) -> list[Alert]:
    """Open the response's safety alerts; call it inside the response's own transaction."""
    alerts = build_safety_alerts(response, instrument)
    for alert in alerts:
        alert.save()
        # No rule in the payload: "a safety alert about this client" is all the trail says.
        record_event("alerts.alert.raised", actor=None, obj=alert)
    return alerts


@transaction.atomic
def do_acknowledge_alert(actor: User, *, alert: Alert) -> Alert:
    """The treating therapist confirms they have seen the alert and will follow it up."""
    if actor.pk != alert.therapist_id:
        raise PermissionDenied("Only the treating therapist can acknowledge this alert.")
    if alert.state != AlertState.OPEN:
        return alert
    alert.state = AlertState.ACKNOWLEDGED
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = actor
    alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    record_event("alerts.alert.acknowledged", actor=actor, obj=alert)
    return alert
