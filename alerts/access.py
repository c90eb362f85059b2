from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from alerts.models import Alert
from core.errors import NotFound


def get_alerts_for_user(viewer: User) -> QuerySet[Alert]:
    """Alerts the viewer must act on: a therapist's own; clinic staff see their clinic's."""
    if viewer.is_therapist:
        return Alert.objects.filter(therapist=viewer)
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        return Alert.objects.filter(episode__clinic_id=viewer.clinic_id)
    return Alert.objects.none()


def get_alert_for_user(viewer: User, alert_id: int) -> Alert:
    alert = get_alerts_for_user(viewer).filter(pk=alert_id).select_related("episode").first()
    if alert is None:
        raise NotFound("No such alert.")
    return alert
