"""The goals page of an episode, for its client and its therapist alike.

Every form posts to a small endpoint that redirects back to the page; a refused change shows
the page again with the reason and status 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.http import request_user
from alliance.care.models import Episode
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.goals.access import get_goal_episode_for_user, get_goal_for_user
from alliance.goals.actions import (
    do_accept_goal,
    do_edit_goal,
    do_propose_goal,
    do_rate_goal,
    do_retire_goal,
)
from alliance.goals.board import build_board, describe_other
from alliance.goals.forms import AcceptForm, GoalForm, RatingForm

# What an action may refuse with; NotFound is left to the middleware (a 404 page).
REFUSED = (InvalidInput, Conflict, PermissionDenied)


def _url(name: str, episode: Episode) -> str:
    """A link to a page of the care app, or "" while that page does not exist."""
    try:
        return reverse(name, args=[episode.pk])
    except NoReverseMatch:
        return ""


def _page(
    request: HttpRequest,
    episode: Episode,
    *,
    form: GoalForm | None = None,
    error: str = "",
    error_goal: int | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    board = build_board(episode, user, timezone.localdate(), error_goal=error_goal, error=error)
    context = {
        "episode": episode,
        "board": board,
        "form": form or GoalForm(),
        "error": error,
        "episode_url": _url("episode-detail", episode),
        "frame_url": _url("episode-frame", episode),
        # Planning the ending is the therapist's step (care's end-of-episode page).
        "end_url": _url("episode-end", episode) if user.pk == episode.therapist_id else "",
    }
    return render(request, "goals/goals.html", context, status=status)


def _back(episode_id: int) -> HttpResponse:
    return redirect("episode-goals", episode_id=episode_id)


def episode_goals(request: HttpRequest, episode_id: int) -> HttpResponse:
    return _page(request, get_goal_episode_for_user(request_user(request), episode_id))


@require_POST
def goal_propose(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = request_user(request)
    episode = get_goal_episode_for_user(user, episode_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            do_propose_goal(user, episode=episode, draft=form.draft())
        except REFUSED as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request, "Your goal is proposed; it counts once the other side accepts it."
            )
            return _back(episode.pk)
    return _page(request, episode, form=form, status=400)


@require_POST
def goal_accept(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    form = AcceptForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        do_accept_goal(user, goal=goal, version=version)
    except REFUSED as exc:
        return _page(request, goal.episode, error=exc.detail, error_goal=goal.pk, status=400)
    messages.success(request, "The goal is agreed.")
    return _back(goal.episode_id)


def goal_edit(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    form = GoalForm(request.POST or None, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            do_edit_goal(user, goal=goal, draft=form.draft())
        except REFUSED as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Saved. The other side needs to agree the new version.")
            return _back(goal.episode_id)
    status = 400 if request.method == "POST" else 200
    context = {
        "goal": goal,
        "episode": goal.episode,
        "form": form,
        "other": describe_other(goal.episode, user),
    }
    return render(request, "goals/edit.html", context, status=status)


@require_POST
def goal_rate(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _page(request, goal.episode, error=error, error_goal=goal.pk, status=400)
    try:
        do_rate_goal(
            user,
            goal=goal,
            level=form.cleaned_data["level"],
            submission_key=form.cleaned_data["submission_key"],
        )
    except REFUSED as exc:
        return _page(request, goal.episode, error=exc.detail, error_goal=goal.pk, status=400)
    messages.success(request, "Your rating is saved.")
    return _back(goal.episode_id)


@require_POST
def goal_retire(request: HttpRequest, goal_id: int) -> HttpResponse:
    user = request_user(request)
    goal = get_goal_for_user(user, goal_id)
    try:
        do_retire_goal(user, goal=goal)
    except REFUSED as exc:
        return _page(request, goal.episode, error=exc.detail, error_goal=goal.pk, status=400)
    messages.success(request, "The goal is retired. Its ratings stay on record.")
    return _back(goal.episode_id)
