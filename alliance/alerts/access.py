"""Permission-checked lookups for alerts: the only way views, the API and commands obtain them.

A therapist sees and works their own alerts. Clinic staff see, for their clinic, the safety
alerts and the other alerts left unresolved too long (kind, client, therapist and age only), and
may open and act on a safety alert only once it was escalated to them. Anything else is "not
found".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import UNRESOLVED, Alert, AlertKind
from alliance.core.errors import NotFound

# A non-safety alert still unresolved this long after it was raised shows on the staff page.
OVERDUE_AFTER = dt.timedelta(days=7)


def get_alerts_for_user(viewer: User, *, now: dt.datetime | None = None) -> QuerySet[Alert]:
    """Alerts the viewer may list: a therapist's own; for clinic staff, their clinic's safety
    alerts and its overdue other alerts (unresolved for more than :data:`OVERDUE_AFTER`)."""
    if viewer.is_therapist:
        return Alert.objects.filter(therapist=viewer)
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        overdue = Q(state__in=UNRESOLVED, created_at__lt=(now or timezone.now()) - OVERDUE_AFTER)
        return Alert.objects.filter(
            Q(kind=AlertKind.SAFETY) | overdue, episode__clinic_id=viewer.clinic_id
        )
    return Alert.objects.none()


def get_alert_for_user(viewer: User, alert_id: int) -> Alert:
    """An alert the viewer may open and act on: their own as its therapist, or, for staff of
    the episode's clinic, a safety alert escalated to them."""
    if viewer.is_therapist:
        visible = Alert.objects.filter(therapist=viewer)
    elif viewer.is_clinic_staff and viewer.clinic_id is not None:
        visible = Alert.objects.filter(
            kind=AlertKind.SAFETY, escalated_at__isnull=False, episode__clinic_id=viewer.clinic_id
        )
    else:
        visible = Alert.objects.none()
    alert = (
        visible.filter(pk=alert_id)
        .select_related("episode__client", "episode__clinic", "therapist")
        .first()
    )
    if alert is None:
        raise NotFound("No such alert.")
    return alert
