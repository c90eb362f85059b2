"""A client's progress page and the therapist's page for one client: charts, goals, alerts,
sessions and private notes together, so they live in ``web``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.accounts.access import get_person_for_user, require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.alerts.access import get_alerts_for_user
from alliance.alerts.models import AlertState
from alliance.care.access import (
    get_current_episode_for_client,
    get_episodes_for_user,
    get_treating_episode_for_user,
)
from alliance.measures import schedules
from alliance.measures.access import get_responses_for_user
from alliance.measures.models import RespondentRole
from alliance.notes.access import get_notes_for_user
from alliance.notes.forms import NoteForm
from alliance.notes.views import RETURN_TO_CLIENT_PAGE
from alliance.web import overview


def client_progress(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    require_role(user, Role.CLIENT)
    now = timezone.now()
    episode = get_current_episode_for_client(user)
    latest = episode or get_episodes_for_user(user).filter(client=user).first()
    context = {
        "person": user,
        "episode": episode,
        "charts": overview.build_charts(get_responses_for_user(user), latest, for_therapist=False),
        "due": schedules.load_due_one(episode, now) if episode is not None else None,
        "goals": overview.client_goal_lines(latest) if latest is not None else [],
        "alert_sentences": overview.client_alert_sentences(user, episode),
        "fit_review_button": episode is not None and overview.fit_review_button_exists(),
    }
    return render(request, "web/progress.html", context)


def therapist_client(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = request_user(request)
    episode = get_treating_episode_for_user(user, episode_id)
    now = timezone.now()
    responses = get_responses_for_user(user).filter(episode=episode)
    alerts = get_alerts_for_user(user).filter(episode=episode).exclude(state=AlertState.RESOLVED)
    upcoming, recent = overview.upcoming_and_recent(user, episode, now)
    context = {
        "episode": episode,
        "charts": overview.build_charts(responses, episode, for_therapist=True),
        "alerts": alerts,
        "due": schedules.load_due_one(episode, now),
        "comments": responses.filter(respondent_role=RespondentRole.CLIENT)
        .exclude(comment="")
        .order_by("-administered_at")[:10],
        "goals": overview.goals_summary(episode),
        "frame": overview.frame_in_force(episode, now),
        "upcoming": upcoming,
        "recent": recent,
        "notes": get_notes_for_user(user, episode),
        "note_form": NoteForm(),
        "return_to": RETURN_TO_CLIENT_PAGE,
    }
    return render(request, "web/therapist_client.html", context)


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = request_user(request)
    person = get_person_for_user(viewer, person_id)
    can_manage = viewer.is_clinic_staff and person.pk != viewer.pk
    episodes = get_episodes_for_user(viewer).filter(client=person) if can_manage else []
    context = {"person": person, "can_manage": can_manage, "episodes": episodes}
    return render(request, "web/person_detail.html", context)
