from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.directory.models import StandingSlot


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Looking for a therapist"
    PLACED = "placed", "Placed with a therapist"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FormatChoice(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    EITHER = "either", "Either"


class Intake(models.Model):
    """What a client is looking for: the input to matching. Saved as a draft, editable."""

    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="intakes")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="intakes")
    status = models.CharField(
        max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    concerns = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    format = models.CharField(
        max_length=10, choices=FormatChoice.choices, default=FormatChoice.EITHER
    )
    city = models.CharField(max_length=80, blank=True)
    max_fee = models.PositiveIntegerField(default=0)
    times = models.JSONField(
        default=list, blank=True, help_text='[{"weekday": 0-6, "from": "HH:MM", "to": "HH:MM"}]'
    )
    styles = models.JSONField(default=list, blank=True)
    professions = models.JSONField(default=list, blank=True)
    therapist_gender = models.CharField(max_length=12, blank=True)
    exclude = models.ManyToManyField(
        User,
        blank=True,
        related_name="excluded_in_intakes",
        help_text="Therapists the client already knows: never matched (no dual relationships).",
    )
    phq9 = models.ForeignKey(
        "measures.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gad7 = models.ForeignKey(
        "measures.Response", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rematch_from = models.ForeignKey(
        "care.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rematch_intakes",
        help_text="Set for a re-match search: booking a first session moves the client from "
        "this episode to the new therapist (its therapist is never matched).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="matching_one_open_intake_per_client",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk}"


class BookingKind(models.TextChoices):
    INTRO = "intro", "Free introductory call"
    FIRST_SESSION = "first_session", "First session"


class SlotBooking(models.Model):
    """A client holds a therapist's standing slot. One active booking per slot, enforced by the
    database, so two clients racing for the same slot cannot both get it."""

    slot = models.ForeignKey(StandingSlot, on_delete=models.PROTECT, related_name="bookings")
    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="slot_bookings")
    intake = models.ForeignKey(
        Intake, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    kind = models.CharField(max_length=16, choices=BookingKind.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=models.Q(active=True), name="matching_slot_booked_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk}"


class AssignmentRun(models.Model):
    """A proposed batch assignment of the waitlist, reviewed by staff before it is confirmed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="assignment_runs")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    proposal = models.JSONField(help_text="assignments, unassigned and total_score, by intake id")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Assignment run {self.pk}"
