from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.lib.crypto import EncryptedTextField

RATING_MIN, RATING_MAX = 0, 4
ADJUST_MAX_CHARS = 500
NOTE_MAX_CHARS = 1000


class DueReason(models.TextChoices):
    SESSIONS = "sessions", "After the first sessions"
    CLIENT_REQUEST = "client_request", "The client asked for it"


class Choice(models.TextChoices):
    """The client's private choice of what happens next."""

    CONTINUE = "continue", "Carry on as we are"
    ADJUST = "adjust", "Carry on, with something changed"
    REMATCH = "rematch", "Look for a different fit"


class Outcome(models.TextChoices):
    NONE = "", "—"
    CONTINUED = "continued", "Carrying on"
    ADJUSTED = "adjusted", "Carrying on with a change"
    REMATCH = "rematch", "Looking for a different fit"


# The three questions, asked of both sides (field suffix, the client's wording, the therapist's).
QUESTIONS = (
    ("going", "How is it going with your therapist?", "How is the work going?"),
    (
        "style",
        "Is the way you agreed to work together working for you?",
        "Is the agreed working style working?",
    ),
    (
        "goals",
        "Are you working on the right goals?",
        "Are the goals the right ones?",
    ),
)
RATING_LABELS = {0: "Not at all", 1: "A little", 2: "Somewhat", 3: "Mostly", 4: "Completely"}


def _rating(side: str) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=f"The {side}'s rating, 0 (not at all) to 4 (completely)."
    )


class FitReview(models.Model):
    """The early fit review of an episode ("give it 3-4 sessions"; Crits-Christoph et al. 2011).

    The client's ratings, choice and text are theirs alone: the therapist learns only that the
    client completed it, the adjust text if the client shared it, and — kindly — that the client
    is looking for a different fit. The therapist's answers are likewise private to them.
    The review closes when the client submits: their choice decides what happens next.
    """

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="fit_reviews")
    due_reason = models.CharField(max_length=16, choices=DueReason.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    client_going = _rating("client")
    client_style = _rating("client")
    client_goals = _rating("client")
    client_choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)
    adjust_what = EncryptedTextField(
        blank=True, help_text="What the client would change (at most 500 characters; encrypted)."
    )
    share_adjust = models.BooleanField(
        default=False, help_text="The client lets the therapist read what they would change."
    )
    client_submitted_at = models.DateTimeField(null=True, blank=True)
    therapist_going = _rating("therapist")
    therapist_style = _rating("therapist")
    therapist_goals = _rating("therapist")
    therapist_note = EncryptedTextField(
        blank=True, help_text="The therapist's own note (at most 1000 characters; encrypted)."
    )
    therapist_submitted_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=models.Q(closed_at__isnull=True),
                name="reviews_one_open_review_per_episode",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True})
                    | models.Q(**{f"{name}__lte": RATING_MAX}),
                    name=f"reviews_{name}_in_range",
                )
                for side in ("client", "therapist")
                for name in (f"{side}_going", f"{side}_style", f"{side}_goals")
            ),
            models.CheckConstraint(
                condition=models.Q(client_choice__in=["", *Choice.values]),
                name="reviews_client_choice_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, outcome="")
                | models.Q(closed_at__isnull=False),
                name="reviews_outcome_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Fit review {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def client_completed(self) -> bool:
        return self.client_submitted_at is not None

    @property
    def therapist_completed(self) -> bool:
        return self.therapist_submitted_at is not None


class HistoryConsent(models.Model):
    """After a re-match, the client lets the new therapist read the earlier episode's measures
    and goals (never its fit reviews or private notes). Revocable at any time: a revoked row
    stays as the record; granting again adds a new row."""

    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="history_consents")
    from_episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="+")
    to_episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, related_name="history_consents"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_episode", "to_episode"],
                condition=models.Q(revoked_at__isnull=True),
                name="reviews_one_live_history_consent",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_episode=models.F("to_episode")),
                name="reviews_history_consent_two_episodes",
            ),
        ]

    def __str__(self) -> str:
        return f"History consent {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
