from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.core.measures import Score


class RespondentRole(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"


class Response(models.Model):
    """One completed questionnaire, with the scores computed when it was submitted.

    Immutable: a correction is a new response whose ``supersedes`` points at the old one. The
    database refuses UPDATE on this table (migration 0002).
    """

    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="responses_about")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="responses_given")
    respondent_role = models.CharField(max_length=10, choices=RespondentRole.choices)
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(help_text="{link id: value or null}")
    comment = models.TextField(blank=True, help_text="The free-text item, if the form has one.")
    total = models.FloatField()
    band = models.CharField(max_length=30, blank=True)
    clinical = models.BooleanField(null=True)
    critical = models.BooleanField(default=False, help_text="A risk item was endorsed.")
    flags = models.JSONField(default=dict)
    subscales = models.JSONField(default=dict)
    missing = models.JSONField(default=list)
    prorated = models.BooleanField(default=False)
    administered_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(
        max_length=64,
        help_text="From the form or the API: a double submission stores one response.",
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["administered_at", "pk"]
        indexes = [models.Index(fields=["client", "instrument", "administered_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "submission_key"], name="measures_response_submitted_once"
            ),
            models.CheckConstraint(
                condition=models.Q(respondent_role__in=["client", "therapist"]),
                name="measures_response_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} response {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ResponseImmutableError("Responses are immutable; submit a correction.")
        super().save(*args, **kwargs)


class ResponseImmutableError(Exception):
    pass


def score_columns(score: Score) -> dict[str, Any]:
    """The Response columns that hold a core Score, computed once at submission."""
    return {
        "total": float(score.total),
        "band": score.band.code if score.band else "",
        "clinical": score.clinical,
        "critical": score.critical,
        "flags": dict(score.flags),
        "subscales": {k: float(v) for k, v in score.subscales.items()},
        "missing": list(score.missing),
        "prorated": score.prorated,
    }


class WordingPack(models.Model):
    """Licensed item wording a clinic imported for a scoring-key-only instrument."""

    instrument = models.CharField(max_length=40, unique=True)
    content = models.JSONField()
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Wording pack for {self.instrument}"


class EpisodeSchedule(models.Model):
    """An episode's changes to its clinic's measurement schedule.

    ``overrides`` are rules in the format of ``core.monitoring.schedule.parse_schedule`` that
    replace the clinic's rule for the same instrument (or add one); ``removed`` lists instrument
    ids the episode does not use. The two are merged with ``merge_schedule``.
    """

    episode = models.OneToOneField(
        Episode, on_delete=models.PROTECT, related_name="measurement_schedule"
    )
    overrides = models.JSONField(default=list, blank=True)
    removed = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Measurement schedule of episode {self.episode_id}"
