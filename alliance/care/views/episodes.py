"""The episode page and what either person does with the episode as a whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.access import get_managed_person_for_user, get_people_for_user
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.care.access import get_clinical_episode_for_user, get_episode_for_user
from alliance.care.actions.episodes import (
    ENDABLE_BY,
    do_confirm_continuing,
    do_declare_conflict,
    do_end_episode,
    do_pause_episode,
    do_resume_episode,
    do_start_episode,
)
from alliance.care.forms import EndEpisodeForm, ResumeForm, StartEpisodeForm
from alliance.care.frames import changes, display_terms, find_clashes
from alliance.care.models import (
    ConflictDeclaration,
    Episode,
    EpisodeState,
    Notice,
    Session,
    SessionStatus,
)
from alliance.care.queries import current_frame, pending_frame
from alliance.care.views.common import (
    latest_accepted,
    status_of,
    url_or_none,
    when,
)
from alliance.core.errors import DomainError, NotFound
from alliance.core.frame import cancellation_notice

RECENT_SESSIONS = 10
STATE_MEANINGS = {
    EpisodeState.TRIAL: (
        "The first sessions: a time for both of you to see whether you can work well together. "
        "When you both feel it fits, either of you confirms that you carry on."
    ),
    EpisodeState.ACTIVE: "You have agreed to carry on working together on the agreed frame.",
    EpisodeState.PAUSED: (
        "The work is paused: no sessions are planned. Either of you can resume it, however "
        "long after; the whole history stays."
    ),
    EpisodeState.ENDED: "This work has ended. Its record stays for both of you to look back on.",
    EpisodeState.TRANSFERRED: (
        "The client moved on to another therapist. This record stays for both of you."
    ),
}


# Staff start an episode -------------------------------------------------------------------------


def start_episode(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff pair a client with a therapist of their clinic."""
    viewer = request_user(request)
    client = get_managed_person_for_user(viewer, person_id)
    if client.role != Role.CLIENT:
        raise NotFound("Episodes start for clients.")
    therapists = get_people_for_user(viewer).filter(role=Role.THERAPIST, is_active=True)
    form = StartEpisodeForm(
        request.POST or None,
        therapists=therapists.order_by("first_name"),
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_start_episode(
                viewer,
                client=client,
                therapist=form.cleaned_data["therapist"],
                started_on=form.cleaned_data["started_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Episode started. The client can check in after sessions.")
            return redirect("person-detail", person_id=client.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "care/start_episode.html", {"client": client, "form": form}, status=status
    )


# The episode page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingSession:
    session: Session
    late_if_cancelled_now: bool
    notice_hours: int
    in_frame_zone: str  # the start in the frame's zone when it differs from the viewer's


def _upcoming(episode: Episode, now: dt.datetime) -> list[UpcomingSession]:
    viewer_zone = timezone.get_current_timezone_name()
    rows = []
    sessions = episode.sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)
    for session in sessions.select_related("frame"):
        hours = session.frame.cancellation_hours if session.frame is not None else 24
        zone = session.frame.time_zone if session.frame is not None else viewer_zone
        shown = ""
        if zone != viewer_zone:
            shown = f"{session.starts_at.astimezone(ZoneInfo(zone)):%a %H:%M} in {zone}"
        notice = cancellation_notice(session.starts_at, now, hours)
        rows.append(UpcomingSession(session, notice == Notice.LATE, hours, shown))
    return rows


def _links(episode: Episode, side: str) -> list[tuple[str, str]]:
    pk = episode.pk
    candidates = [
        ("The frame: our agreement", url_or_none("episode-frame", pk)),
        ("Goals", url_or_none("episode-goals", pk)),
        ("Messages", url_or_none("episode-messages", pk)),
        (
            "Notebook",
            url_or_none("notebook") if side == "client" else url_or_none("episode-notebook", pk),
        ),
        (
            "Progress",
            url_or_none("client-progress")
            if side == "client"
            else url_or_none("therapist-client", pk),
        ),
        ("Fit review: how is it going?", url_or_none("fit-review", pk)),
        ("Shared history", url_or_none("history-consent", pk) if side == "client" else None),
        ("Private notes", url_or_none("episode-notes", pk) if side == "therapist" else None),
        ("Alerts", url_or_none("therapist-alerts") if side == "therapist" else None),
        ("Sessions in your calendar", url_or_none("calendar")),
    ]
    return [(label, url) for label, url in candidates if url is not None]


def _episode_context(request: HttpRequest, episode: Episode) -> dict[str, Any]:
    viewer = request_user(request)
    now, today = timezone.now(), timezone.localdate()
    clashes = find_clashes(episode, today=today)
    side = episode.side_of(viewer)
    current, latest, pending = (
        current_frame(episode, today),
        latest_accepted(episode),
        pending_frame(episode),
    )
    mine = None
    if pending is not None:
        mine = pending.client_accepted_at if side == "client" else pending.therapist_accepted_at
    sessions = episode.sessions.select_related("frame", "cancelled_by")
    running = episode.state in (EpisodeState.TRIAL, EpisodeState.ACTIVE)
    return {
        "episode": episode,
        "side": side,
        "other": episode.therapist if side == "client" else episode.client,
        "meaning": STATE_MEANINGS[EpisodeState(episode.state)],
        "current": current,
        "current_terms": display_terms(current) if current else [],
        "coming": latest if latest is not None and latest != current else None,
        "coming_changes": changes(current, latest) if latest and latest != current else [],
        "pending": pending,
        "pending_changes": changes(latest, pending) if pending and latest else [],
        "pending_terms": display_terms(pending) if pending and not latest else [],
        "can_answer": pending is not None and mine is None,
        "can_withdraw": pending is not None and mine is not None,
        "upcoming": _upcoming(episode, now),
        "to_record": sessions.filter(status=SessionStatus.SCHEDULED, starts_at__lte=now)
        if side == "therapist"
        else [],
        "recent": sessions.exclude(status=SessionStatus.SCHEDULED).order_by("-starts_at")[
            :RECENT_SESSIONS
        ],
        "clashes": [when(moment) for moment in clashes],
        "can_continue": episode.state == EpisodeState.TRIAL,
        "can_pause": running,
        "can_add": running and side == "therapist",
        "resume_form": ResumeForm() if episode.state == EpisodeState.PAUSED else None,
        "pauses": episode.pauses.select_related("paused_by", "resumed_by"),
        "links": _links(episode, side),
        "can_request_review": side == "client" and running,
    }


def episode_page(
    request: HttpRequest, episode: Episode, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = _episode_context(request, episode) | {"error": error}
    return render(request, "care/episode_detail.html", context, status=status)


def refused(request: HttpRequest, episode: Episode, exc: DomainError) -> HttpResponse:
    """An action the domain refused: the episode page again, with the reason and the status."""
    status = status_of(exc)
    episode.refresh_from_db()
    return episode_page(request, episode, error=exc.detail, status=status)


def episode_detail(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = get_clinical_episode_for_user(request_user(request), episode_id)
    return episode_page(request, episode)


@require_POST
def episode_continue(request: HttpRequest, episode_id: int) -> HttpResponse:
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    try:
        do_confirm_continuing(viewer, episode=episode)
    except DomainError as exc:
        return refused(request, episode, exc)
    messages.success(request, "Confirmed: you carry on working together.")
    return redirect("episode-detail", episode_id=episode.pk)


@require_POST
def episode_pause(request: HttpRequest, episode_id: int) -> HttpResponse:
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    try:
        do_pause_episode(viewer, episode=episode)
    except DomainError as exc:
        return refused(request, episode, exc)
    messages.success(request, "Paused. The sessions ahead are cancelled; you can resume any time.")
    return redirect("episode-detail", episode_id=episode.pk)


@require_POST
def episode_resume(request: HttpRequest, episode_id: int) -> HttpResponse:
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        return episode_page(
            request, episode, error="Start again from: use a date like 2026-12-01.", status=400
        )
    try:
        proposal = do_resume_episode(
            viewer, episode=episode, starts_on=form.cleaned_data["starts_on"]
        )
    except DomainError as exc:
        return refused(request, episode, exc)
    if proposal is None:
        messages.success(request, "Resumed. Agree a frame to plan your sessions.")
    else:
        messages.success(
            request,
            f"Resumed. The terms you last agreed are proposed again from "
            f"{proposal.effective_from:%-d %B %Y}; sessions are planned once both of you "
            "accept them.",
        )
    return redirect("episode-detail", episode_id=episode.pk)


# Ending and conflicts ---------------------------------------------------------------------------


def episode_end(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Client, therapist or staff of the clinic end an episode, each with their own reasons."""
    viewer = request_user(request)
    episode = get_episode_for_user(viewer, episode_id)
    side = episode.side_of(viewer, "staff")  # staff of the clinic may end it too
    form = EndEpisodeForm(request.POST or None, reasons=ENDABLE_BY[side])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                do_end_episode(viewer, episode=episode, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = status_of(exc)
            else:
                messages.success(request, "The episode has ended. Its record stays.")
                if side == "staff":
                    return redirect("staff-episodes")
                return redirect("episode-detail", episode_id=episode.pk)
    context = {"episode": episode, "form": form, "side": side}
    return render(request, "care/episode_end.html", context, status=status)


def episode_conflict(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Either side says they know each other outside therapy; no reason is asked or kept."""
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    declared = ConflictDeclaration.objects.filter(
        client_id=episode.client_id, therapist_id=episode.therapist_id
    ).exists()
    if request.method == "POST":
        do_declare_conflict(viewer, episode=episode)
        messages.success(
            request,
            "Thank you for telling us. This work has ended and you will not be matched again.",
        )
        return redirect("home")
    context = {"episode": episode, "side": episode.side_of(viewer), "declared": declared}
    return render(request, "care/episode_conflict.html", context)
