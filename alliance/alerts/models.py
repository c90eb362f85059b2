from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.care.models import Episode


class AlertKind(models.TextChoices):
    SAFETY = "safety", "Safety: a risk answer"
    RUPTURE = "rupture", "Possible alliance rupture"
    OFF_TRACK = "off_track", "Not on track"
    DROPOUT = "dropout", "Dropout risk"
    FIT_REVIEW = "fit_review", "Fit review due"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACTIONED = "actioned", "Action recorded"
    RESOLVED = "resolved", "Resolved"


UNRESOLVED = (AlertState.OPEN, AlertState.ACKNOWLEDGED, AlertState.ACTIONED)


class Priority(models.IntegerChoices):
    HIGHEST = 1, "Highest"
    HIGH = 2, "High"
    NORMAL = 3, "Normal"


class ActionKind(models.TextChoices):
    DISCUSSED_ALLIANCE = "discussed_alliance", "Discussed the alliance in session"
    ADJUSTED_APPROACH = "adjusted_approach", "Adjusted the approach"
    SAFETY_PLAN = "safety_plan", "Made a safety plan"
    REFERRED = "referred", "Referred on"
    CONTACTED_CLIENT = "contacted_client", "Contacted the client"
    OTHER = "other", "Other"


# What each rule means, in words a clinician reads at a glance (sources in
# docs/reference/sources.md).
RULE_LABELS = {
    "phq-9:item9_risk": "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) above 0",
    "core-10:item6_risk": "CORE-10 item 6 (made plans to end my life) above 0",
    "rupture": "Alliance Check-in: a possible rupture (Alliance's own rule, not a published one)",
    "off_track:phq-9": "PHQ-9 worse than expected for clients who started like this one",
    "off_track:gad-7": "GAD-7 worse than expected for clients who started like this one",
    "dropout": "Dropout risk well above the clinic's usual rate (the clinic's own model)",
    "fit_review": "Time for the early fit review (after session 3 or 4)",
}


class Alert(models.Model):
    """Something a therapist must see and act on. Safety alerts are the highest priority.

    ``cause`` identifies what raised it (e.g. ``response:42:phq9_item9``,
    ``rupture:7:5``) so the same cause never raises two alerts. ``explanation`` holds the rule,
    the scores it used and the sentences the core assessment wrote: ids, numbers and generated
    text only, never the client's own words.
    """

    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    state = models.CharField(max_length=14, choices=AlertState.choices, default=AlertState.OPEN)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(
        max_length=40,
        help_text="The rule that fired: instrument:flag (phq-9:item9_risk), rupture, "
        "off_track:<instrument>, dropout or fit_review.",
    )
    cause = models.CharField(max_length=80, unique=True)
    response = models.ForeignKey(
        "measures.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    explanation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When an unacknowledged safety alert was passed to the clinic's staff.",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["priority", "-created_at"]
        indexes = [
            models.Index(fields=["therapist", "state"]),
            models.Index(fields=["kind", "state", "escalated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} alert {self.pk}"

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def is_resolved(self) -> bool:
        return self.state == AlertState.RESOLVED


class AlertAction(models.Model):
    """Something done about an alert. No free text: what was said stays in the clinical notes."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk} on alert {self.alert_id}"


class DropoutModelFit(models.Model):
    """A clinic's dropout model, fitted on its own ended episodes (docs/dropout-model.md).

    ``model`` is ``core.monitoring.model_to_json`` output; ``validation`` the held-out figures:
    ``auc``, ``brier``, ``calibration`` ([mean predicted, observed, count] per bin), ``n_train``,
    ``n_test``. The latest fit of a clinic is the one in use.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="dropout_fits")
    fitted_at = models.DateTimeField(default=timezone.now)
    model = models.JSONField()
    validation = models.JSONField()

    class Meta:
        ordering = ["-fitted_at", "-pk"]
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return f"Dropout model {self.pk} of clinic {self.clinic_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The clinic's latest model is cached (alerts.dropout): forget it now, for this
        # transaction's own reads, and once committed, for everyone else's.
        key = self.cache_key(self.clinic_id)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))

    @staticmethod
    def cache_key(clinic_id: int) -> str:
        return f"alerts:dropout_model:{clinic_id}"
