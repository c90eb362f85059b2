"""The client's private notebook: write, delete, share; the therapist's view of shared entries."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.urls import reverse

from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import EpisodeState
from alliance.contact.actions import (
    do_delete_notebook_entry,
    do_share_notebook_entry,
    do_write_notebook_entry,
)
from alliance.contact.models import NotebookEntry
from alliance.contact.tests.factories import logged_in, make_episode, raw_column
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.factories import make_client, make_staff, make_therapist

NOW = dt.datetime(2026, 11, 3, 20, 15, tzinfo=dt.UTC)
PRIVATE = "I felt invisible at the family dinner"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_client_writes_an_entry_and_only_they_see_it(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.client)
    assert http.post(reverse("notebook"), {"body": f"  {PRIVATE}  "}).status_code == 302
    entry = NotebookEntry.objects.get()
    assert (entry.client, entry.body, entry.episode, entry.shared_at) == (
        episode.client,
        PRIVATE,
        None,
        None,
    )
    assert PRIVATE in _text(http.get(reverse("notebook")))
    therapist_page = logged_in(episode.therapist).get(
        reverse("episode-notebook", args=[episode.pk])
    )
    assert PRIVATE not in _text(therapist_page)
    event = AuditEvent.objects.get(action="contact.notebook.written")
    assert (event.object_id, event.data) == (str(entry.pk), {})


@pytest.mark.parametrize(("body", "code"), [("x" * 4001, "too_long"), ("   ", "body_required")])
def test_empty_or_too_long_entries_are_refused(db: None, body: str, code: str) -> None:
    client = make_client()
    with pytest.raises(InvalidInput) as caught:
        do_write_notebook_entry(client, body=body)
    assert caught.value.code == code
    assert logged_in(client).post(reverse("notebook"), {"body": body}).status_code == 400
    assert not NotebookEntry.objects.exists()


def test_only_clients_keep_a_notebook(db: None) -> None:
    therapist = make_therapist()
    with pytest.raises(PermissionDenied):
        do_write_notebook_entry(therapist, body="a note")
    assert logged_in(therapist).get(reverse("notebook")).status_code == 403


def test_sharing_sets_the_current_episode_and_is_final(db: None) -> None:
    episode = make_episode()
    entry = do_write_notebook_entry(episode.client, body=PRIVATE)
    with time_machine.travel(NOW, tick=False):
        http = logged_in(episode.client)
        assert http.post(reverse("notebook-share", args=[entry.pk])).status_code == 302
    http = logged_in(episode.client)
    entry.refresh_from_db()
    assert (entry.episode, entry.shared_at) == (episode, NOW)
    event = AuditEvent.objects.get(action="contact.notebook.shared")
    assert event.data == {"episode": episode.pk}
    with pytest.raises(Conflict) as again:
        do_share_notebook_entry(episode.client, entry=entry)
    assert again.value.code == "already_shared"
    refused = http.post(reverse("notebook-delete", args=[entry.pk]))
    assert refused.status_code == 400
    assert "A shared entry cannot be deleted." in _text(refused)
    assert NotebookEntry.objects.filter(pk=entry.pk).exists()
    page = _text(http.get(reverse("notebook")))
    assert f"shared with {episode.therapist.full_name}" in page
    assert "Sharing is final" in page


def test_sharing_without_an_open_episode_is_refused_clearly(db: None) -> None:
    client = make_client()
    entry = do_write_notebook_entry(client, body=PRIVATE)
    with pytest.raises(InvalidInput) as caught:
        do_share_notebook_entry(client, entry=entry)
    assert caught.value.code == "no_episode"
    refused = logged_in(client).post(reverse("notebook-share", args=[entry.pk]))
    assert refused.status_code == 400
    assert "not working with a therapist at the moment" in _text(refused)
    entry.refresh_from_db()
    assert (entry.episode, entry.shared_at) == (None, None)


def test_a_client_deletes_an_unshared_entry(db: None) -> None:
    client = make_client()
    entry = do_write_notebook_entry(client, body=PRIVATE)
    assert logged_in(client).post(reverse("notebook-delete", args=[entry.pk])).status_code == 302
    assert not NotebookEntry.objects.exists()
    assert AuditEvent.objects.get(action="contact.notebook.deleted").object_id == str(entry.pk)


def test_nobody_else_can_share_or_delete_an_entry(db: None) -> None:
    episode = make_episode()
    entry = do_write_notebook_entry(episode.client, body=PRIVATE)
    other_client = make_client(clinic=episode.clinic)
    for outsider in [other_client, episode.therapist, make_staff(clinic=episode.clinic)]:
        http = logged_in(outsider)
        assert http.post(reverse("notebook-share", args=[entry.pk])).status_code == 404
        assert http.post(reverse("notebook-delete", args=[entry.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        do_delete_notebook_entry(other_client, entry=entry)
    entry.refresh_from_db()
    assert entry.shared_at is None


def test_the_therapist_sees_only_entries_shared_with_their_episode(db: None) -> None:
    episode = make_episode()
    client = episode.client
    old_therapist = episode.therapist
    shared_before = do_write_notebook_entry(client, body="Shared in the first episode")
    do_share_notebook_entry(client, entry=shared_before)
    episode.state, episode.ended_on = EpisodeState.ENDED, dt.date(2026, 10, 1)
    episode.save()
    new_therapist = make_therapist(clinic=episode.clinic)
    second = do_start_episode(
        None, client=client, therapist=new_therapist, started_on=dt.date(2026, 10, 5)
    )
    shared_now = do_write_notebook_entry(client, body="Shared in the second episode")
    do_share_notebook_entry(client, entry=shared_now)
    do_write_notebook_entry(client, body=PRIVATE)

    page = _text(logged_in(new_therapist).get(reverse("episode-notebook", args=[second.pk])))
    assert "Shared in the second episode" in page
    assert "Shared in the first episode" not in page
    assert PRIVATE not in page
    earlier = _text(logged_in(old_therapist).get(reverse("episode-notebook", args=[episode.pk])))
    assert "Shared in the first episode" in earlier
    assert "Shared in the second episode" not in earlier
    assert (
        logged_in(old_therapist).get(reverse("episode-notebook", args=[second.pk])).status_code
        == 404
    )


def test_staff_and_colleagues_never_see_notebook_entries(db: None) -> None:
    episode = make_episode()
    entry = do_write_notebook_entry(episode.client, body=PRIVATE)
    do_share_notebook_entry(episode.client, entry=entry)
    url = reverse("episode-notebook", args=[episode.pk])
    for outsider in [make_staff(clinic=episode.clinic), make_therapist(clinic=episode.clinic)]:
        http = logged_in(outsider)
        assert http.get(url).status_code == 404
        assert http.get(reverse("notebook")).status_code == 403
        assert http.get("/api/v1/notebook").status_code == 403


def test_the_client_of_the_episode_is_sent_to_their_own_notebook(db: None) -> None:
    episode = make_episode()
    response = logged_in(episode.client).get(reverse("episode-notebook", args=[episode.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notebook")


def test_the_body_is_encrypted_at_rest(db: None) -> None:
    entry = do_write_notebook_entry(make_client(), body=PRIVATE)
    raw = raw_column("contact_notebookentry", "body", entry.pk)
    assert raw.startswith("fernet:")
    assert PRIVATE not in raw
    assert "invisible" not in raw
    assert NotebookEntry.objects.get().body == PRIVATE
