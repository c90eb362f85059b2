from __future__ import annotations

from typing import Final, TypeVar, overload

from django.db import models
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.core.errors import NotFound

_T = TypeVar("_T")
_NOT_FOUND: Final = object()


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
    CONFLICT = "conflict", "Conflict of interest"


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
    baseline_from = models.DateField(
        null=True,
        blank=True,
        help_text="After a resume: measures from this date form the fresh baseline.",
    )
    resumed_after_frame = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="After a resume: frame versions up to this number plan no more sessions.",
    )
    holds_place = models.BooleanField(
        default=False, help_text="Took one of the therapist's open places (given back at the end)."
    )
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

    @overload
    def side_of(self, person: User) -> str: ...
    @overload
    def side_of(self, person: User, default: _T) -> str | _T: ...
    def side_of(self, person: User, default: object = _NOT_FOUND) -> object:
        """Which side of the episode ``person`` is on: "client" or "therapist".

        Anyone else gets ``default``; without one, ``NotFound``, as from the access helpers: to
        them the episode does not exist.
        """
        if person.pk == self.client_id:
            return "client"
        if person.pk == self.therapist_id:
            return "therapist"
        if default is _NOT_FOUND:
            raise NotFound("No such episode.")
        return default

    def other_of(self, person: User) -> User:
        """The other person of the episode: the therapist to its client, and the other way."""
        return self.therapist if self.side_of(person) == "client" else self.client


class Format(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"


class ContactRule(models.TextChoices):
    LOGISTICS = "logistics", "Messages between sessions are for logistics only"
    NONE = "none", "No contact between sessions except to cancel"


class FrameState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FrameVersion(models.Model):
    """One version of the working agreement ("the frame") of an episode.

    A version takes effect on ``effective_from`` only once both client and therapist have
    accepted it; the proposer accepts by proposing. At most one proposal is pending per episode.
    Accepted versions are never edited: a change is a new version.
    """

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="frames")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=FrameState.choices, default=FrameState.PROPOSED)
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    time_zone = models.CharField(max_length=64)
    minutes = models.PositiveSmallIntegerField()
    format = models.CharField(max_length=10, choices=Format.choices)
    location = models.CharField(max_length=120, blank=True)
    fee = models.PositiveIntegerField(help_text="Per session, whole currency units.")
    cancellation_hours = models.PositiveSmallIntegerField(default=24)
    contact_rule = models.CharField(
        max_length=10, choices=ContactRule.choices, default=ContactRule.LOGISTICS
    )
    style = models.CharField(max_length=20, help_text="One of the five alliance styles.")
    ending_goal_level = models.SmallIntegerField(
        default=0, help_text="Time to stop when every agreed goal is at or above this level."
    )
    ending_stable_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="… and check-ins have been steady for this many weeks."
    )
    effective_from = models.DateField()
    note = models.CharField(max_length=300, blank=True, help_text="Why this version.")
    starts_when_agreed = models.BooleanField(
        default=False,
        help_text="Takes effect once both have accepted (effective_from is the earliest).",
    )
    proposed_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when drafted from a booking: then both sides accept.",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    client_accepted_at = models.DateTimeField(null=True, blank=True)
    therapist_accepted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["episode", "number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="care_frame_number"),
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(state="proposed"),
                name="care_frame_one_pending_proposal",
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="care_frame_weekday"),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=10, minutes__lte=240), name="care_frame_minutes"
            ),
            models.CheckConstraint(
                condition=models.Q(ending_goal_level__gte=-2, ending_goal_level__lte=2),
                name="care_frame_goal_level",
            ),
        ]

    def __str__(self) -> str:
        return f"Frame v{self.number} of episode {self.episode_id}"

    @property
    def weekday_name(self) -> str:
        return WEEKDAYS[self.weekday]


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# The frame's terms in display order, with the labels the change view shows.
FRAME_TERMS = {
    "weekday": "Day",
    "start_time": "Time",
    "time_zone": "Time zone",
    "minutes": "Session length (minutes)",
    "format": "Online or in person",
    "location": "Where",
    "fee": "Fee per session",
    "cancellation_hours": "Cancellation notice (hours)",
    "contact_rule": "Contact between sessions",
    "style": "Working style",
    "ending_goal_level": "Time to stop: every goal at or above",
    "ending_stable_weeks": "… and check-ins steady for (weeks)",
    "effective_from": "From",
}


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class SessionKind(models.TextChoices):
    REGULAR = "regular", "Weekly"
    EXTRA = "extra", "Extra"


class Notice(models.TextChoices):
    NONE = "", "—"
    EARLY = "early", "With enough notice"
    LATE = "late", "Late (less notice than agreed)"


# Statuses that occupy the client's and therapist's time: the database refuses two of these
# overlapping for one person (migration 0004).
OCCUPYING = ("scheduled", "held")


class Session(models.Model):
    """One meeting. Weekly sessions come from the accepted frame (``series_date`` is the date in
    the weekly series it stands for); one-off changes edit just this row."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="sessions")
    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="sessions_as_client")
    therapist = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="sessions_as_therapist"
    )
    frame = models.ForeignKey(
        FrameVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(max_length=10, choices=SessionKind.choices, default=SessionKind.REGULAR)
    series_date = models.DateField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    moved_from = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    notice = models.CharField(max_length=6, choices=Notice.choices, blank=True, default="")
    reason = models.CharField(max_length=200, blank=True)
    actual_start = models.DateTimeField(null=True, blank=True)
    actual_end = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
            models.Index(fields=["episode", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="care_session_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["frame", "series_date"],
                condition=models.Q(series_date__isnull=False),
                name="care_session_once_per_series_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def overrun(self) -> int:
        """Minutes held beyond the agreed length (0 when on time or not held)."""
        if self.actual_start is None or self.actual_end is None:
            return 0
        held = int((self.actual_end - self.actual_start).total_seconds() // 60)
        return max(0, held - self.minutes)


class EpisodePause(models.Model):
    """A pause in an episode; resuming closes it and starts a fresh baseline."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="pauses")
    paused_on = models.DateField()
    paused_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    resumed_on = models.DateField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["paused_on", "pk"]

    def __str__(self) -> str:
        return f"Pause {self.pk}"


class ConflictDeclaration(models.Model):
    """A dual relationship declared by the client or the therapist: the two are never matched
    again, and an open episode between them ends. No free text: the reason stays private."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    declared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="conflicts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "therapist"], name="care_conflict_once"),
        ]

    def __str__(self) -> str:
        return f"Conflict {self.pk}"


class CalendarFeed(models.Model):
    """A private, revocable iCalendar address. Only a hash of the token is stored: the address
    is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="care_one_live_calendar_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"
