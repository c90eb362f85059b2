"""One session at a time: move, cancel, record, add."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role
from alliance.care.access import get_session_for_user, get_treating_episode_for_user
from alliance.care.actions.sessions import (
    do_add_session,
    do_cancel_session,
    do_move_session,
    do_record_outcome,
)
from alliance.care.forms import AddSessionForm, MoveSessionForm, OutcomeForm
from alliance.care.models import Notice, Session, SessionStatus
from alliance.care.views.common import status_of, when
from alliance.care.views.episodes import refused
from alliance.core.errors import DomainError


def session_move(request: HttpRequest, session_id: int) -> HttpResponse:
    """Move one session; the weekly series keeps its slot."""
    viewer = request_user(request)
    session = get_session_for_user(viewer, session_id)
    form = MoveSessionForm(request.POST or None, initial={"starts_at": session.starts_at})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                moved = do_move_session(
                    viewer, session=session, starts_at=form.cleaned_data["starts_at"]
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = status_of(exc)
            else:
                messages.success(request, f"Moved to {when(moved.starts_at)}.")
                return redirect("episode-detail", episode_id=session.episode_id)
    context = {
        "session": session,
        "episode": session.episode,
        "form": form,
        "can_move": session.status == SessionStatus.SCHEDULED
        and session.starts_at > timezone.now(),
    }
    return render(request, "care/session_move.html", context, status=status)


@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = request_user(request)
    session = get_session_for_user(viewer, session_id)
    try:
        cancelled = do_cancel_session(
            viewer, session=session, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return refused(request, session.episode, exc)
    hours = cancelled.frame.cancellation_hours if cancelled.frame else 24
    if cancelled.notice == Notice.LATE:
        note = f"This was late: less than the {hours} hours' notice you agreed."
    else:
        note = "This was within the agreed notice."
    messages.success(request, f"The session on {when(cancelled.starts_at)} is cancelled. {note}")
    return redirect("episode-detail", episode_id=session.episode_id)


def session_outcome(request: HttpRequest, session_id: int) -> HttpResponse:
    """The therapist records how a session went: held (with the real times) or a no-show."""
    viewer = request_user(request)
    require_role(viewer, Role.THERAPIST)
    session = get_session_for_user(viewer, session_id)
    initial = {
        "outcome": SessionStatus.HELD,
        "actual_start": session.starts_at,
        "actual_end": session.ends_at,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                recorded = do_record_outcome(
                    viewer,
                    session=session,
                    outcome=data["outcome"],
                    actual_start=data["actual_start"],
                    actual_end=data["actual_end"],
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = status_of(exc)
            else:
                messages.success(request, _recorded_message(recorded))
                return redirect("episode-detail", episode_id=session.episode_id)
    context = {
        "session": session,
        "episode": session.episode,
        "form": form,
        "can_record": session.status == SessionStatus.SCHEDULED
        and session.starts_at <= timezone.now(),
    }
    return render(request, "care/session_outcome.html", context, status=status)


def _recorded_message(session: Session) -> str:
    if session.status == SessionStatus.NO_SHOW:
        return "Recorded as a no-show."
    if session.overrun:
        return f"Recorded as held; it ran {session.overrun} minutes over the agreed length."
    return "Recorded as held."


def session_add(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The therapist adds an extra one-off session."""
    viewer = request_user(request)
    require_role(viewer, Role.THERAPIST)
    episode = get_treating_episode_for_user(viewer, episode_id)
    form = AddSessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                added = do_add_session(
                    viewer,
                    episode=episode,
                    starts_at=form.cleaned_data["starts_at"],
                    minutes=form.cleaned_data["minutes"],
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = status_of(exc)
            else:
                messages.success(request, f"Extra session added on {when(added.starts_at)}.")
                return redirect("episode-detail", episode_id=episode.pk)
    context = {"episode": episode, "form": form}
    return render(request, "care/session_add.html", context, status=status)
