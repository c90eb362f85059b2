from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models

from alliance.accounts.models import User
from alliance.core.vocabulary import (
    ALLIANCE_STYLE_EXPLANATIONS,
    ALLIANCE_STYLES,
    APPROACHES,
    CONCERNS,
    FORMATS,
    GENDERS,
    LANGUAGES,
    PROFESSIONS,
    WEEKDAYS,
)

PROFESSION_CHOICES = list(PROFESSIONS.items())
GENDER_CHOICES = list(GENDERS.items())


class TherapistProfile(models.Model):
    """A therapist's professional profile: what matching and the directory work from."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="therapist_profile")
    profession = models.CharField(max_length=32, choices=PROFESSION_CHOICES)
    credentials = models.CharField(max_length=200, blank=True)
    years_experience = models.PositiveSmallIntegerField(default=0)
    gender = models.CharField(max_length=12, choices=GENDER_CHOICES, blank=True)
    approaches = models.JSONField(default=list, blank=True)
    styles = models.JSONField(default=list, blank=True, help_text="Alliance style codes.")
    concerns = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    formats = models.JSONField(default=list, blank=True, help_text='"online", "in_person"')
    city = models.CharField(max_length=80, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    fee = models.PositiveIntegerField(help_text="Per session, whole currency units.")
    sliding_scale_min = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="INR")
    capacity = models.PositiveSmallIntegerField(default=0, help_text="Open places.")
    accepting = models.BooleanField(default=True)
    bio = models.TextField(blank=True)
    listed = models.BooleanField(
        default=True, help_text="Appears in the public directory with a public profile page."
    )
    show_gender = models.BooleanField(
        default=True, help_text="Shows the gender on the public profile and directory."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sliding_scale_min__isnull=True)
                | models.Q(sliding_scale_min__lte=models.F("fee")),
                name="directory_sliding_scale_not_above_fee",
            ),
        ]

    def __str__(self) -> str:
        return f"Therapist profile of user {self.user_id}"

    # Plain-language labels for pages, so templates never look codes up themselves.
    @property
    def taking_new_clients(self) -> bool:
        """Open to new clients: accepting, with at least one open place."""
        return self.accepting and self.capacity > 0

    @property
    def public_gender(self) -> str:
        return GENDERS.get(self.gender, "") if self.show_gender else ""

    @property
    def approach_labels(self) -> list[str]:
        return [APPROACHES.get(code, code) for code in self.approaches]

    @property
    def style_labels(self) -> list[str]:
        return [ALLIANCE_STYLES.get(code, code) for code in self.styles]

    @property
    def styles_explained(self) -> list[tuple[str, str]]:
        return [
            (ALLIANCE_STYLES.get(code, code), ALLIANCE_STYLE_EXPLANATIONS.get(code, ""))
            for code in self.styles
        ]

    @property
    def concern_labels(self) -> list[str]:
        return [CONCERNS.get(code, code) for code in self.concerns]

    @property
    def language_labels(self) -> list[str]:
        return [LANGUAGES.get(code, code) for code in self.languages]

    @property
    def format_labels(self) -> list[str]:
        return [FORMATS.get(code, code) for code in self.formats]

    @property
    def sees_clients_in_person(self) -> bool:
        return "in_person" in self.formats


class StandingSlot(models.Model):
    """A free standing weekly slot the therapist offers (weekday + start time, local time)."""

    therapist = models.ForeignKey(TherapistProfile, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=50)

    class Meta:
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__lte=6), name="directory_slot_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=15, minutes__lte=180), name="directory_slot_minutes"
            ),
            models.UniqueConstraint(
                fields=["therapist", "weekday", "start"], name="directory_slot_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_name()} {self.start:%H:%M} ({self.minutes} min)"

    def get_weekday_name(self) -> str:
        return WEEKDAYS[self.weekday]

    @property
    def end(self) -> time:
        """When the session ends; slots never cross midnight (the actions refuse it)."""
        ends = datetime.combine(date.min, self.start) + timedelta(minutes=self.minutes)
        return ends.time()
