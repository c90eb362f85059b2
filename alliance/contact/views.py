from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Clinic, Role, User
from alliance.care.access import get_clinical_episode_for_user, get_current_episode_for_client
from alliance.care.models import ContactRule, Episode
from alliance.care.queries import current_frame
from alliance.contact.access import (
    get_messages_for_user,
    get_notebook_entry_for_user,
    get_notebook_for_user,
    get_shared_entries_for_user,
)
from alliance.contact.actions import (
    do_delete_notebook_entry,
    do_mark_messages_read,
    do_send_message,
    do_share_notebook_entry,
    do_write_notebook_entry,
)
from alliance.contact.forms import MessageForm, NotebookForm
from alliance.contact.models import LATE_MINUTES
from alliance.core.errors import DomainError

DEFAULT_RULE = (
    "Messages between sessions are for logistics: times, running late, rescheduling or cancelling."
)
THREAD_LENGTH = 100


def _session_url(episode: Episode) -> str | None:
    # The episode page (where a session is actually cancelled) belongs to the care app and
    # may not exist yet: without it the page simply offers no link.
    try:
        return reverse("episode-detail", kwargs={"episode_id": episode.pk})
    except NoReverseMatch:
        return None


def _composer_context(episode: Episode) -> dict[str, Any]:
    frame = current_frame(episode, timezone.localdate())
    return {
        "rule": frame.get_contact_rule_display() if frame else DEFAULT_RULE,
        "no_contact": frame is not None and frame.contact_rule == ContactRule.NONE,
        "late_minutes": LATE_MINUTES,
        "session_url": _session_url(episode),
    }


@require_POST
def episode_messages_read(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The thread was seen: the page posts this once loaded (a GET never writes)."""
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    do_mark_messages_read(user, episode=episode)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204)
    return redirect("episode-messages", episode_id=episode.pk)


def episode_messages(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The logistics thread of an episode, with one-tap messages and the agreed contact rule."""
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_send_message(user, episode=episode, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Sent.")
            return redirect("episode-messages", episode_id=episode.pk)
    latest = get_messages_for_user(user, episode).order_by("-created_at", "-pk")[:THREAD_LENGTH]
    context = {
        "episode": episode,
        "thread": list(reversed(latest)),
        "other": episode.other_of(user),
        "is_client": user.pk == episode.client_id,
        "form": form,
        "has_unread": any(m.read_at is None and m.sender_id != user.pk for m in latest),
        **_composer_context(episode),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "contact/messages.html", context, status=status)


def _notebook_page(
    request: HttpRequest, user: User, form: NotebookForm, error: str = "", status: int = 200
) -> HttpResponse:
    entries = get_notebook_for_user(user)
    context = {
        "form": form,
        "error": error,
        "private": [e for e in entries if not e.is_shared],
        "shared": [e for e in entries if e.is_shared],
        "episode": get_current_episode_for_client(user),
    }
    return render(request, "contact/notebook.html", context, status=status)


def notebook(request: HttpRequest) -> HttpResponse:
    """The client's private notebook: write, keep, delete, or share at the next session."""
    user = request_user(request)
    require_role(user, Role.CLIENT)
    form = NotebookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_write_notebook_entry(user, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Saved in your notebook. Only you can read it.")
            return redirect("notebook")
    status = 400 if request.method == "POST" else 200
    return _notebook_page(request, user, form, status=status)


@require_POST
def notebook_share(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    entry = get_notebook_entry_for_user(user, entry_id)
    try:
        entry = do_share_notebook_entry(user, entry=entry)
    except DomainError as exc:
        return _notebook_page(request, user, NotebookForm(), error=exc.detail, status=400)
    assert entry.episode is not None
    therapist = entry.episode.therapist.full_name
    messages.success(request, f"Shared with {therapist}. You can talk about it at your session.")
    return redirect("notebook")


@require_POST
def notebook_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    user = request_user(request)
    entry = get_notebook_entry_for_user(user, entry_id)
    try:
        do_delete_notebook_entry(user, entry=entry)
    except DomainError as exc:
        return _notebook_page(request, user, NotebookForm(), error=exc.detail, status=400)
    messages.success(request, "Deleted.")
    return redirect("notebook")


def episode_notebook(request: HttpRequest, episode_id: int) -> HttpResponse:
    """What the client chose to share with this episode's therapist."""
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    if user.pk == episode.client_id:
        return redirect("notebook")
    entries = get_shared_entries_for_user(user, episode)
    return render(
        request, "contact/episode_notebook.html", {"episode": episode, "entries": entries}
    )


@login_not_required
def crisis(request: HttpRequest) -> HttpResponse:
    """Urgent help, for anyone: a client also sees their clinic's crisis line."""
    user = request.user
    clinic = user.clinic if isinstance(user, User) and user.is_client else None
    generic_line = Clinic._meta.get_field("crisis_line").get_default()
    return render(request, "contact/crisis.html", {"clinic": clinic, "generic_line": generic_line})
