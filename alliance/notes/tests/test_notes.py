"""Private notes: only their author reads, edits or deletes them; the text is encrypted."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.core.errors import InvalidInput, PermissionDenied
from alliance.notes.actions import do_delete_note, do_edit_note, do_write_note
from alliance.notes.models import PrivateNote
from tests.factories import logged_in, make_episode, make_staff, make_therapist

SECRET = "Wonders whether to tell her mother about the move"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _raw_body(note: PrivateNote) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM notes_privatenote WHERE id = %s", [note.pk])
        (value,) = cursor.fetchone()
    return str(value)


def test_the_therapist_writes_a_note_from_the_client_page(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.therapist)
    response = http.post(
        reverse("episode-notes", args=[episode.pk]),
        {"body": f"  {SECRET}  ", "return_to": "client-page"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("therapist-client", args=[episode.pk])
    note = PrivateNote.objects.get()
    assert (note.author, note.episode, note.body) == (episode.therapist, episode, SECRET)
    assert SECRET in _text(http.get(reverse("therapist-client", args=[episode.pk])))
    assert SECRET in _text(http.get(reverse("episode-notes", args=[episode.pk])))


def test_the_database_holds_only_ciphertext(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body=SECRET)
    raw = _raw_body(note)
    assert raw.startswith("fernet:")
    assert SECRET not in raw
    assert "mother" not in raw
    assert PrivateNote.objects.get(pk=note.pk).body == SECRET


def test_nobody_but_the_author_sees_or_changes_a_note(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body=SECRET)
    colleague = make_therapist(clinic=episode.clinic)
    staff = make_staff(clinic=episode.clinic)
    for person in (episode.client, colleague, staff):
        http = logged_in(person)
        assert http.get(reverse("episode-notes", args=[episode.pk])).status_code == 404
        assert http.get(reverse("note-edit", args=[note.pk])).status_code == 404
        assert http.post(reverse("note-edit", args=[note.pk]), {"body": "x"}).status_code == 404
        assert http.post(reverse("note-delete", args=[note.pk])).status_code == 404
        assert (
            http.post(reverse("episode-notes", args=[episode.pk]), {"body": "x"}).status_code == 404
        )
        page = http.get(reverse("home"), follow=True)
        assert SECRET not in _text(page)
    # The client's own pages never show it either.
    client = logged_in(episode.client)
    assert SECRET not in _text(client.get(reverse("client-progress")))
    note.refresh_from_db()
    assert note.body == SECRET
    assert PrivateNote.objects.count() == 1


def test_a_missing_note_and_someone_elses_look_the_same(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body=SECRET)
    colleague = logged_in(make_therapist(clinic=episode.clinic))
    mine = colleague.get(reverse("note-edit", args=[note.pk]))
    missing = colleague.get(reverse("note-edit", args=[note.pk + 1000]))
    assert mine.status_code == missing.status_code == 404


def test_the_author_edits_and_deletes(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body=SECRET)
    http = logged_in(episode.therapist)
    edit = reverse("note-edit", args=[note.pk])
    assert SECRET in _text(http.get(edit))
    assert http.post(edit, {"body": "Talked it through."}).status_code == 302
    note.refresh_from_db()
    assert note.body == "Talked it through."
    assert note.updated_at >= note.created_at
    assert http.post(reverse("note-delete", args=[note.pk])).status_code == 302
    assert not PrivateNote.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="notes.").values_list("action", "data")
    )
    assert actions == [
        ("notes.note.written", {"episode_id": episode.pk}),
        ("notes.note.edited", {"episode_id": episode.pk}),
        ("notes.note.deleted", {"episode_id": episode.pk}),
    ]
    trail = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "Talked" not in trail and "mother" not in trail


@pytest.mark.parametrize(("body", "code"), [("   ", "body_required"), ("x" * 10_001, "too_long")])
def test_empty_or_too_long_notes_are_refused(db: None, body: str, code: str) -> None:
    episode = make_episode()
    with pytest.raises(InvalidInput) as caught:
        do_write_note(episode.therapist, episode=episode, body=body)
    assert caught.value.code == code
    response = logged_in(episode.therapist).post(
        reverse("episode-notes", args=[episode.pk]), {"body": body}
    )
    assert response.status_code == 400
    assert not PrivateNote.objects.exists()


def test_a_note_of_exactly_ten_thousand_characters_is_kept(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body="y" * 10_000)
    assert len(PrivateNote.objects.get(pk=note.pk).body) == 10_000


def test_actions_check_the_author(db: None) -> None:
    episode = make_episode()
    note = do_write_note(episode.therapist, episode=episode, body=SECRET)
    colleague = make_therapist(clinic=episode.clinic)
    with pytest.raises(PermissionDenied):
        do_write_note(colleague, episode=episode, body="x")
    with pytest.raises(PermissionDenied):
        do_edit_note(colleague, note=note, body="x")
    with pytest.raises(PermissionDenied):
        do_delete_note(episode.client, note=note)
