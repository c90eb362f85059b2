"""Shared goals of an episode, scaled for Goal Attainment Scaling (Kiresuk & Sherman 1968).

A goal is written in the client's words with five described levels, −2 … +2, where 0 is the
expected outcome. It counts only once both sides have agreed it: whoever proposes it, the other
side accepts. Ratings are never edited; a new rating is a new row.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Episode

# Kiresuk & Sherman (1968): −2 much less than expected … +2 much more than expected. JSON keys
# are text.
LEVEL_KEYS = ("-2", "-1", "0", "1", "2")
MAX_TEXT = 200
# Turner-Stokes (2009): importance × difficulty, each rated 1–3 here (0 would drop the goal).
MIN_WEIGHT, MAX_WEIGHT = 1, 9


class GoalState(models.TextChoices):
    PROPOSED = "proposed", "Waiting for agreement"
    AGREED = "agreed", "Agreed"
    RETIRED = "retired", "Retired"


class Goal(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="goals")
    title = models.CharField(max_length=MAX_TEXT, help_text="In the client's own words.")
    levels = models.JSONField(help_text='{"-2": …, "-1": …, "0": expected, "1": …, "2": …}')
    weight = models.PositiveSmallIntegerField(default=1, help_text="Importance × difficulty.")
    state = models.CharField(max_length=10, choices=GoalState.choices, default=GoalState.PROPOSED)
    version = models.PositiveIntegerField(default=1)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    retired_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["episode", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=MIN_WEIGHT, weight__lte=MAX_WEIGHT),
                name="goals_goal_weight_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="agreed")
                | models.Q(agreed_at__isnull=False, agreed_by__isnull=False),
                name="goals_goal_agreed_has_agreement",
            ),
            models.CheckConstraint(
                condition=~models.Q(agreed_by=models.F("proposed_by")),
                name="goals_goal_other_side_agrees",
            ),
        ]

    def __str__(self) -> str:
        return f"Goal {self.pk}"


class GoalRatingImmutableError(Exception):
    """A stored rating was about to be changed: a new rating is a new row."""


class GoalRating(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    goal_version = models.PositiveIntegerField(help_text="The version of the goal rated.")
    level = models.SmallIntegerField()
    rated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(default=timezone.now)
    submission_key = models.CharField(max_length=64)

    class Meta:
        ordering = ["rated_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=-2, level__lte=2), name="goals_rating_level_range"
            ),
            models.UniqueConstraint(
                fields=["rated_by", "submission_key"], name="goals_rating_submission_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Rating {self.pk} of goal {self.goal_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise GoalRatingImmutableError("A goal rating is never changed; add a new one.")
        super().save(*args, **kwargs)
