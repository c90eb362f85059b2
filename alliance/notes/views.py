"""Private notes pages: the episode's list with a form, edit, delete. Author only (else 404)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.accounts.http import request_user
from alliance.core.errors import DomainError
from alliance.notes.access import get_note_episode_for_user, get_note_for_user, get_notes_for_user
from alliance.notes.actions import do_delete_note, do_edit_note, do_write_note
from alliance.notes.forms import NoteEditForm, NoteForm

# Where a note written from the therapist's client page goes back to: a fixed choice, never a
# URL taken from the request.
RETURN_TO_CLIENT_PAGE = "client-page"


def episode_notes(request: HttpRequest, episode_id: int) -> HttpResponse:
    user = request_user(request)
    episode = get_note_episode_for_user(user, episode_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_write_note(user, episode=episode, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error("body", exc.detail)
        else:
            messages.success(request, "Note saved. Only you can read it.")
            if request.POST.get("return_to") == RETURN_TO_CLIENT_PAGE:
                return redirect("therapist-client", episode_id=episode.pk)
            return redirect("episode-notes", episode_id=episode.pk)
    context = {
        "episode": episode,
        "notes": get_notes_for_user(user, episode),
        "note_form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "notes/episode_notes.html", context, status=status)


def note_edit(request: HttpRequest, note_id: int) -> HttpResponse:
    user = request_user(request)
    note = get_note_for_user(user, note_id)
    form = NoteEditForm(request.POST or None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        try:
            do_edit_note(user, note=note, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error("body", exc.detail)
        else:
            messages.success(request, "Note updated.")
            return redirect("episode-notes", episode_id=note.episode_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "notes/note_edit.html", {"note": note, "form": form}, status=status)


@require_POST
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    user = request_user(request)
    note = get_note_for_user(user, note_id)
    episode_id = note.episode_id
    do_delete_note(user, note=note)
    messages.success(request, "Note deleted.")
    return redirect("episode-notes", episode_id=episode_id)
