from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from alliance.audit.trail import record_event

LOGIN_AT = "_alliance_login_at"
SEEN_AT = "_alliance_seen_at"


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts, enforced on the server (automatic logoff, HIPAA
    45 CFR 164.312(a)(2)(iii); OWASP ASVS 5.0 7.3.1-7.3.2).

    Idle: 15 minutes for therapists and staff, 30 for clients. Absolute: 12 hours after log-in
    (Alliance's own values).
    The clock is read through ``time.time`` so tests can freeze it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            login_at = request.session.setdefault(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle_limit = settings.SESSION_IDLE_SECONDS.get(user.role, 15 * 60)
            expired = (
                now - seen_at > idle_limit or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            )
            if expired:
                record_event("accounts.session.expired", actor=user, obj=user)
                logout(request)
                request.session["session_expired"] = True
            else:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class TimeZoneMiddleware:
    """Show times in the person's own time zone (their profile's), else the server's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = time_zone_of(request.user) if request.user.is_authenticated else None
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def time_zone_of(user: object) -> str | None:
    for attribute in ("client_profile", "therapist_profile"):
        profile = getattr(user, attribute, None)
        if profile is not None and profile.time_zone:
            return str(profile.time_zone)
    return None
