"""A therapist's private notes about an episode: for their author's eyes only."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import Episode
from alliance.lib.crypto import EncryptedTextField

NOTE_MAX_CHARS = 10_000


class PrivateNote(models.Model):
    """Only its author reads, edits or deletes it: not the client, not colleagues, not clinic
    staff (notes.access). The body is encrypted at rest (config.crypto)."""

    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="private_notes")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="private_notes")
    body = EncryptedTextField(help_text=f"At most {NOTE_MAX_CHARS} characters; encrypted.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["author", "episode", "created_at"])]

    def __str__(self) -> str:
        return f"Private note {self.pk}"
