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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction
from django.utils import timezone

from alliance.audit.models import AuditEvent

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


@dataclass(frozen=True)
class Event:
    """One event to append: what happened, who did it, to what, with which ids and codes."""

    action: str
    actor: AbstractBaseUser | None  # the audit trail sits below accounts
    obj: models.Model | None = None
    data: Mapping[str, object] | None = None


def record_event(
    action: str,
    *,
    actor: AbstractBaseUser | None,
    obj: models.Model | None = None,
    data: Mapping[str, object] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call it inside the action's transaction so both commit or neither."""
    return record_events([Event(action, actor, obj, data)], now=now)[0]


def record_events(events: Sequence[Event], *, now: datetime | None = None) -> list[AuditEvent]:
    """Append several events of one action at once: one look at the chain's end, one insert."""
    if not events:
        return []
    payloads = [_checked_payload(event) for event in events]
    at = (now or timezone.now()).astimezone(UTC)
    ip = current_ip.get()
    # No savepoint: a failed append must fail the whole action, never be skipped.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
        rows = []
        for event, payload in zip(events, payloads, strict=True):
            seq += 1
            row = AuditEvent(
                seq=seq,
                at=at,
                actor_id=event.actor.pk if event.actor is not None else None,
                action=event.action,
                object_type=event.obj._meta.label_lower if event.obj is not None else "",
                object_id=str(event.obj.pk) if event.obj is not None else "",
                ip=ip,
                data=payload,
                prev_hash=prev_hash,
            )
            row.hash = prev_hash = compute_hash(prev_hash, row)
            rows.append(row)
        return AuditEvent.objects.bulk_create(rows)


def _checked_payload(event: Event) -> dict[str, object]:
    if not _ACTION_RE.match(event.action):
        raise AuditPayloadError(f"audit action {event.action!r} is not a dotted lower-case code")
    payload = dict(event.data or {})
    _check_payload(payload)
    return payload


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
