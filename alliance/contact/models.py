from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.lib.crypto import EncryptedTextField

MESSAGE_MAX_CHARS = 500
NOTEBOOK_MAX_CHARS = 4000
LATE_MINUTES = (5, 10, 15)


class Topic(models.TextChoices):
    """What a message between sessions may be about: logistics, nothing else."""

    RUNNING_LATE = "running_late", "Running late"
    RESCHEDULE = "reschedule", "Reschedule"
    CANCEL = "cancel", "Cancel"
    OTHER_LOGISTICS = "other_logistics", "Other logistics"


# What a contact rule of "none" still allows: letting the other person know you will be late or
# cannot come (ContactRule.NONE: "No contact between sessions except to cancel").
TOPICS_WITHOUT_CONTACT = (Topic.RUNNING_LATE, Topic.CANCEL)


class Message(models.Model):
    """A logistics message between a client and their therapist, within one episode."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="messages")
    sender = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    minutes_late = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Only for running late: 5, 10 or 15."
    )
    body = EncryptedTextField(blank=True, help_text="At most 500 characters; encrypted.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["episode", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    topic__in=["running_late", "reschedule", "cancel", "other_logistics"]
                ),
                name="contact_message_topic_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(topic="running_late", minutes_late__in=[5, 10, 15])
                | (~models.Q(topic="running_late") & models.Q(minutes_late__isnull=True)),
                name="contact_message_minutes_late_only_when_late",
            ),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"

    @property
    def summary(self) -> str:
        """The one-tap sentence, in the sender's voice ("" for other logistics)."""
        if self.topic == Topic.RUNNING_LATE:
            return f"I'm running late — {self.minutes_late} minutes."
        if self.topic == Topic.RESCHEDULE:
            return "I need to reschedule."
        if self.topic == Topic.CANCEL:
            return "I need to cancel."
        return ""


class NotebookEntry(models.Model):
    """A client's private note to self. Once shared it belongs to that episode, for good."""

    client = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notebook_entries")
    episode = models.ForeignKey(
        Episode,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shared_notebook_entries",
        help_text="Set when shared: the episode whose therapist may read it.",
    )
    body = EncryptedTextField(help_text="At most 4000 characters; encrypted.")
    created_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "notebook entries"
        indexes = [
            models.Index(fields=["client", "created_at"]),
            models.Index(fields=["episode", "shared_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(episode__isnull=True, shared_at__isnull=True)
                | models.Q(episode__isnull=False, shared_at__isnull=False),
                name="contact_notebook_shared_with_an_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"Notebook entry {self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None
