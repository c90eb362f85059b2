"""Private notes over the API: the same rules as the pages."""

from __future__ import annotations

import json

from django.test import Client

from alliance.notes.actions import do_write_note
from alliance.notes.models import PrivateNote
from tests.factories import logged_in, make_episode, make_staff, make_therapist

API = "/api/v1"


def _json(http: Client, method: str, url: str, body: object | None = None):
    return http.generic(
        method, url, json.dumps(body) if body is not None else "", content_type="application/json"
    )


def test_the_author_lists_creates_updates_and_deletes(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.therapist)
    created = _json(http, "POST", f"{API}/episodes/{episode.pk}/notes", {"body": "First note"})
    assert created.status_code == 201
    note_id = created.json()["id"]
    listed = _json(http, "GET", f"{API}/episodes/{episode.pk}/notes")
    assert [n["body"] for n in listed.json()] == ["First note"]
    updated = _json(http, "PATCH", f"{API}/notes/{note_id}", {"body": "Changed"})
    assert (updated.status_code, updated.json()["body"]) == (200, "Changed")
    assert _json(http, "DELETE", f"{API}/notes/{note_id}").status_code == 204
    assert not PrivateNote.objects.exists()


def test_everyone_else_gets_404(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body="Private")
    for person in (
        episode.client,
        make_therapist(clinic=episode.clinic),
        make_staff(clinic=episode.clinic),
    ):
        http = logged_in(person)
        assert _json(http, "GET", f"{API}/episodes/{episode.pk}/notes").status_code == 404
        body = {"body": "x"}
        assert _json(http, "POST", f"{API}/episodes/{episode.pk}/notes", body).status_code == 404
        assert _json(http, "PATCH", f"{API}/notes/{note.pk}", body).status_code == 404
        assert _json(http, "DELETE", f"{API}/notes/{note.pk}").status_code == 404
    note.refresh_from_db()
    assert note.body == "Private"


def test_bad_input_is_a_400_with_a_code(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.therapist)
    response = _json(http, "POST", f"{API}/episodes/{episode.pk}/notes", {"body": "  "})
    assert response.status_code == 400
    assert response.json()["code"] == "body_required"
    too_long = _json(http, "POST", f"{API}/episodes/{episode.pk}/notes", {"body": "x" * 10_001})
    assert too_long.status_code == 422
    assert not PrivateNote.objects.exists()
