"""The append-only, hash-chained audit trail.

Rows carry identifiers and codes only — never clinical content, names or free text — so
erasing a client's data (GDPR Art. 17) never needs to rewrite the chain that ONC
45 CFR 170.315(d)(2) requires to stay unaltered. Keeping the two apart is Alliance's own design.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    # Assigned by audit.trail under a lock, never by a database sequence, so a gap is visible.
    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the system itself (commands, the demo loader).",
    )
    action = models.CharField(max_length=80, db_index=True, help_text="Dotted action code.")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("force_insert"):
            raise AuditImmutableError("Audit events are append-only; use audit.trail.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditImmutableError("Audit events are append-only.")


class AuditImmutableError(Exception):
    pass
