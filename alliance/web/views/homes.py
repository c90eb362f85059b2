"""Each role's home page: what a client, a therapist and clinic staff see first.

These pages join several apps (care, alerts, measures), which is why they live in ``web``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.accounts.access import get_people_for_user, require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.alerts.access import get_alerts_for_user
from alliance.alerts.models import AlertState
from alliance.care.access import (
    get_current_episode_for_client,
    get_episodes_for_user,
    get_sessions_for_user,
)
from alliance.care.models import OPEN_STATES, SessionStatus
from alliance.web.caseload import build_caseload


def client_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.CLIENT)
    episode = get_current_episode_for_client(user)
    next_session = None
    if episode is not None:
        next_session = (
            get_sessions_for_user(user)
            .filter(episode=episode, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
            .order_by("starts_at")
            .first()
        )
    context = {"person": user, "episode": episode, "next_session": next_session}
    return render(request, "web/client_home.html", context)


def therapist_home(request: HttpRequest) -> HttpResponse:
    """The caseload at a glance, in a fixed number of queries however many clients."""
    user = request_user(request)
    require_role(user, Role.THERAPIST)
    now = timezone.now()
    episodes = list(get_episodes_for_user(user).filter(therapist=user, state__in=OPEN_STATES))
    alerts = (
        get_alerts_for_user(user).filter(state=AlertState.OPEN).select_related("episode__client")
    )
    context = {
        "person": user,
        "caseload": build_caseload(episodes, now),
        "alerts": alerts,
    }
    return render(request, "web/therapist_home.html", context)


def staff_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.STAFF)
    people = get_people_for_user(user)
    counts = {role.label: people.filter(role=role, is_active=True).count() for role in Role}
    return render(request, "web/staff_home.html", {"counts": counts})
