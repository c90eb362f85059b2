"""Write and verify the audit trail.

Each event's hash is ``SHA-256(prev_hash ‖ canonical_json(fields))``, so altering or deleting
any row breaks the chain at that row: alteration is detectable, as ONC 45 CFR 170.315(d)(2)
requires (the hash chain is Alliance's own design). Inserts are serialised — an advisory lock
on PostgreSQL, the IMMEDIATE write lock on SQLite — so two concurrent writers can never fork
the chain.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db import connection, models, transaction
from django.utils import timezone

from alliance.audit.models import AuditEvent

if TYPE_CHECKING:
    from alliance.accounts.models import User

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x41_4C_4C_49  # "ALLI"
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE_RE = re.compile(r"^[a-z0-9_.:-]{0,64}$")

# Set per request by audit.middleware so actions need not pass the address around.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


class AuditPayloadError(ValueError):
    """An audit payload held something that is not an identifier or a code."""


def _check_payload(data: Mapping[str, object]) -> None:
    # The trail must never hold clinical content or personal data: only ids, counts, flags and
    # lower-case codes. Free text (which could carry a name or an answer) is refused outright.
    for key, value in data.items():
        if not _KEY_RE.match(key):
            raise AuditPayloadError(f"audit payload key {key!r} is not a lower-case identifier")
        if value is None or isinstance(value, bool | int):
            continue
        if isinstance(value, str) and _CODE_RE.match(value):
            continue
        raise AuditPayloadError(f"audit payload value for {key!r} is not an id, flag or code")


def _canonical(event: AuditEvent) -> str:
    fields = {
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "ip": event.ip,
        "data": event.data,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])


def record_event(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    data: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the action's transaction so both commit or neither."""
    if not _ACTION_RE.match(action):
        raise AuditPayloadError(f"audit action {action!r} is not a dotted lower-case code")
    payload = dict(data or {})
    _check_payload(payload)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        event = AuditEvent(
            seq=seq,
            at=(now or timezone.now()).astimezone(UTC),
            actor=actor if actor is not None and actor.pk else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            ip=current_ip.get(),
            data=payload,
            prev_hash=prev_hash,
        )
        event.hash = compute_hash(prev_hash, event)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    n_checked: int
    broken_at: int | None = None
    reason: str = ""


def verify_chain(events: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walk the chain in order and report the first broken link, if any."""
    rows = events if events is not None else AuditEvent.objects.order_by("seq").iterator(2000)
    prev_hash, expected_seq, n_checked = GENESIS, 1, 0
    for event in rows:
        if event.seq != expected_seq:
            return ChainReport(False, n_checked, expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            reason = f"event #{event.seq} does not follow the event before it"
            return ChainReport(False, n_checked, event.seq, reason)
        if compute_hash(prev_hash, event) != event.hash:
            reason = f"event #{event.seq} was altered after it was written"
            return ChainReport(False, n_checked, event.seq, reason)
        prev_hash, expected_seq, n_checked = event.hash, expected_seq + 1, n_checked + 1
    return ChainReport(True, n_checked)
