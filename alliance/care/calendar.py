"""A private iCalendar feed of each person's sessions, built with the ``icalendar`` library.

The address carries a random token; only its SHA-256 is stored, so the address is shown once,
when it is made, and a leaked database does not reveal it. Making a new address revokes the old
one. Events say as little as possible: calendars are often synced to third parties, so the
title never names a concern and the therapist sees the client's initials only.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import icalendar
from django.db.models import Q
from django.utils import timezone

from alliance.accounts.models import User
from alliance.care.models import CalendarFeed, Format, Session, SessionStatus
from alliance.core.errors import NotFound

PAST_DAYS = 30
PRODID = "-//Alliance//Sessions//EN"


def token_hash(token: str) -> str:
    """What is stored of a feed's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_for_token(token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise NotFound("No such calendar.")
    return feed


def build_calendar(user: User, *, now: dt.datetime | None = None) -> bytes:
    """The person's sessions from a month ago to the planning horizon, as iCalendar bytes.

    Cancelled sessions stay in the feed with STATUS:CANCELLED so calendar apps remove them.
    """
    now = now or timezone.now()
    sessions = (
        Session.objects.filter(Q(client=user) | Q(therapist=user))
        .filter(starts_at__gte=now - dt.timedelta(days=PAST_DAYS))
        .select_related("client", "therapist", "frame")
        .order_by("starts_at")
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Alliance sessions")
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", f"session-{session.pk}@alliance")
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", _summary(session, user))
        event.add("sequence", 1 if session.moved_from else 0)
        if session.frame is not None:
            place = "Online" if session.frame.format == Format.ONLINE else session.frame.location
            event.add("location", place)
        status = "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"
        event.add("status", status)
        calendar.add_component(event)
    return calendar.to_ical()


def _summary(session: Session, viewer: User) -> str:
    if viewer.pk == session.client_id:
        return f"Therapy session with {session.therapist.first_name}"
    initials = f"{session.client.first_name[:1]}{session.client.last_name[:1]}".upper()
    return f"Session ({initials})"
