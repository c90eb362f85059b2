from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.models import Clinic, User


class EpisodeState(models.TextChoices):
    TRIAL = "trial", "Trial"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"
    TRANSFERRED = "transferred", "Transferred"


OPEN_STATES = (EpisodeState.TRIAL, EpisodeState.ACTIVE, EpisodeState.PAUSED)


class EndReason(models.TextChoices):
    NONE = "", "—"
    PLANNED = "planned_ending", "Planned ending"
    CLIENT_STOPPED = "client_stopped", "Client stopped"
    DROPOUT = "dropout", "Dropped out"
    REMATCH = "rematch", "Re-matched"
    THERAPIST_LEFT = "therapist_left", "Therapist left"


class Episode(models.Model):
    """One client working with one therapist: the unit measures, goals and alerts belong to."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="episodes")
    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="episodes_as_client")
    therapist = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="episodes_as_therapist"
    )
    state = models.CharField(
        max_length=12, choices=EpisodeState.choices, default=EpisodeState.TRIAL
    )
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True, default="")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(client=models.F("therapist")),
                name="care_episode_client_is_not_therapist",
            ),
            # A client works with one therapist at a time: measures and alerts go to that one.
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(state__in=["trial", "active", "paused"]),
                name="care_one_open_episode_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES
