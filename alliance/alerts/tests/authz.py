"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` adds objects to the shared world and returns their placeholder ids:
``{alert}`` (already in the world) is client_a's open safety alert, not escalated: only its
therapist may touch it. ``{escalated_alert}`` is a safety alert on the same episode escalated to
the clinic: staff_a may act on it too. ``{actioned_alert}`` is a rupture alert of therapist_a
with an action recorded, so it can be resolved.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alliance.alerts.models import ActionKind, Alert, AlertAction, AlertKind, AlertState, Priority
from alliance.care.models import Episode
from tests.authz_row import Row

ALERT = {"alert_id": "{alert}"}
ESCALATED = {"alert_id": "{escalated_alert}"}
ACTIONED = {"alert_id": "{actioned_alert}"}
THERAPIST_ONLY: dict[str, str | int] = {"therapist_a": "allowed"}
THERAPIST_AND_STAFF: dict[str, str | int] = {"therapist_a": "allowed", "staff_a": "allowed"}
ACTION: dict[str, object] = {"kind": "contacted_client"}

ROWS: dict[str, Row] = {
    "alert-detail": Row("explicit", kwargs=ESCALATED, expect=THERAPIST_AND_STAFF),
    "alert-acknowledge": Row("explicit", method="POST", kwargs=ALERT, expect=THERAPIST_ONLY),
    "alert-action": Row(
        "explicit", method="POST", kwargs=ESCALATED, body=ACTION, expect=THERAPIST_AND_STAFF
    ),
    "alert-resolve": Row("explicit", method="POST", kwargs=ACTIONED, expect=THERAPIST_ONLY),
    "therapist-alerts": Row("role:therapist"),
    "staff-alerts": Row("role:staff"),
    "api:list_alerts": Row("login"),
    "api:get_alert": Row("explicit", kwargs=ESCALATED, expect=THERAPIST_AND_STAFF),
    "api:acknowledge_alert": Row("explicit", method="POST", kwargs=ALERT, expect=THERAPIST_ONLY),
    "api:record_alert_action": Row(
        "explicit", method="POST", kwargs=ESCALATED, body=ACTION, expect=THERAPIST_AND_STAFF
    ),
    "api:resolve_alert": Row("explicit", method="POST", kwargs=ACTIONED, expect=THERAPIST_ONLY),
}


def extend_world(world: Any) -> dict[str, str]:
    episode = Episode.objects.get(pk=world.ids["episode"])
    now = timezone.now()
    escalated = Alert.objects.create(
        kind=AlertKind.SAFETY,
        priority=Priority.HIGHEST,
        episode=episode,
        therapist=world.therapist_a,
        rule="phq-9:item9_risk",
        cause="authz:escalated",
        escalated_at=now,
    )
    actioned = Alert.objects.create(
        kind=AlertKind.RUPTURE,
        priority=Priority.HIGH,
        state=AlertState.ACTIONED,
        episode=episode,
        therapist=world.therapist_a,
        rule="rupture",
        cause="authz:actioned",
        acknowledged_at=now,
        acknowledged_by=world.therapist_a,
    )
    AlertAction.objects.create(
        alert=actioned, kind=ActionKind.DISCUSSED_ALLIANCE, by=world.therapist_a
    )
    return {"escalated_alert": str(escalated.pk), "actioned_alert": str(actioned.pk)}
