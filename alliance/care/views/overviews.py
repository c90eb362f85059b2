"""Overviews across episodes, and the private calendar feed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.care.access import get_episodes_for_user, get_sessions_for_user
from alliance.care.actions.calendar import do_create_calendar_feed, do_revoke_calendar_feed
from alliance.care.calendar import build_calendar, feed_for_token, live_feed
from alliance.care.models import EpisodeState, FrameState, FrameVersion

STAFF_LIST_LIMIT = 300

# Overviews --------------------------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def therapist_week(request: HttpRequest) -> HttpResponse:
    """Today's sessions and the rest of this week, and proposals waiting for an answer."""
    viewer = request_user(request)
    require_role(viewer, Role.THERAPIST)
    today = timezone.localdate()
    start, end = _local_midnight(today), _local_midnight(today + dt.timedelta(7 - today.weekday()))
    sessions = list(
        get_sessions_for_user(viewer)
        .filter(therapist=viewer, starts_at__gte=start, starts_at__lt=end)
        .select_related("client", "episode")
        .order_by("starts_at")
    )
    tomorrow = _local_midnight(today + dt.timedelta(days=1))
    waiting = (
        FrameVersion.objects.filter(
            episode__in=get_episodes_for_user(viewer).filter(therapist=viewer),
            state=FrameState.PROPOSED,
            therapist_accepted_at__isnull=True,
        )
        .select_related("episode__client")
        .order_by("proposed_at")
    )
    context = {
        "today": [s for s in sessions if s.starts_at < tomorrow],
        "later": [s for s in sessions if s.starts_at >= tomorrow],
        "waiting": waiting,
    }
    return render(request, "care/therapist_week.html", context)


def staff_episodes(request: HttpRequest) -> HttpResponse:
    """Staff see their clinic's episodes by state: who, when, why it ended; no clinical content."""
    viewer = request_user(request)
    require_role(viewer, Role.STAFF)
    episodes = get_episodes_for_user(viewer)
    if viewer.clinic_id is not None:
        episodes = episodes.filter(clinic_id=viewer.clinic_id)
    by_state = dict(episodes.order_by().values_list("state").annotate(n=Count("pk")))
    counts = [(value, label, by_state.get(value, 0)) for value, label in EpisodeState.choices]
    state = request.GET.get("state", "")
    if state in EpisodeState.values:
        episodes = episodes.filter(state=state)
    else:
        state = ""
    context = {
        "counts": counts,
        "total": sum(by_state.values()),
        "state": state,
        "episodes": episodes.order_by("-started_on", "-pk")[:STAFF_LIST_LIMIT],
        "limit": STAFF_LIST_LIMIT,
    }
    return render(request, "care/staff_episodes.html", context)


# Calendar ---------------------------------------------------------------------------------------


def calendar(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    require_role(viewer, Role.CLIENT, Role.THERAPIST)
    return render(request, "care/calendar.html", {"feed": live_feed(viewer), "address": None})


@require_POST
def calendar_create(request: HttpRequest) -> HttpResponse:
    """A new private address, shown once on this page: only its hash is kept."""
    viewer = request_user(request)
    require_role(viewer, Role.CLIENT, Role.THERAPIST)
    feed, token = do_create_calendar_feed(viewer)
    address = request.build_absolute_uri(reverse("calendar-ics", args=[token]))
    response = render(request, "care/calendar.html", {"feed": feed, "address": address})
    add_never_cache_headers(response)
    return response


@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    require_role(viewer, Role.CLIENT, Role.THERAPIST)
    if do_revoke_calendar_feed(viewer):
        messages.success(request, "The address has stopped working.")
    else:
        messages.info(request, "You had no calendar address.")
    return redirect("calendar")


@login_not_required
@require_safe
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: calendar apps fetch it without logging in; the token is the key."""
    feed = feed_for_token(token)
    body = build_calendar(feed.user)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=0"
    return response
