"""Making and revoking a person's private calendar address (see ``care.calendar``)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.calendar import token_hash
from alliance.care.models import CalendarFeed


@transaction.atomic
def do_create_calendar_feed(actor: User) -> tuple[CalendarFeed, str]:
    """A new private address; any earlier one stops working. Returns the feed and its token."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=actor, token_hash=token_hash(token), created_at=now)
    record_event("care.calendar.created", actor=actor, obj=feed)
    return feed, token


@transaction.atomic
def do_revoke_calendar_feed(actor: User) -> int:
    """Stop the person's calendar address from working."""
    feeds = list(CalendarFeed.objects.filter(user=actor, revoked_at__isnull=True))
    for feed in feeds:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record_event("care.calendar.revoked", actor=actor, obj=feed)
    return len(feeds)
