from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.models import User
from care.models import Episode


class AlertKind(models.TextChoices):
    SAFETY = "safety", "Safety: a risk answer"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class Priority(models.IntegerChoices):
    HIGHEST = 1, "Highest"
    HIGH = 2, "High"
    NORMAL = 3, "Normal"


# What each safety rule means, in words a clinician reads at a glance (clinical.md §2.1.1, §2.3).
RULE_LABELS = {
    "phq-9:item9_risk": "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) above 0",
    "core-10:item6_risk": "CORE-10 item 6 (made plans to end my life) above 0",
}


class Alert(models.Model):
    """Something a therapist must see and act on. Safety alerts are the highest priority.

    ``cause`` identifies what raised it (e.g. ``response:42:phq9_item9``) so the same cause never
    raises two alerts.
    """

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    state = models.CharField(max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(
        max_length=40, help_text="The rule that fired: instrument:flag, e.g. phq-9:item9_risk."
    )
    cause = models.CharField(max_length=80, unique=True)
    response = models.ForeignKey(
        "measures.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["priority", "-created_at"]
        indexes = [models.Index(fields=["therapist", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert {self.pk}"

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)
