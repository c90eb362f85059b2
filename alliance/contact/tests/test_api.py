"""The contact API: messages and the notebook through the access helpers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alliance.care.models import ContactRule
from alliance.contact.actions import do_send_message, do_write_notebook_entry
from alliance.contact.models import Message, NotebookEntry
from alliance.contact.tests.factories import logged_in, make_episode, make_frame
from tests.factories import make_client, make_staff, make_therapist


def _post(http: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return http.post(url, body or {}, content_type="application/json")


def test_send_and_list_messages(db: None) -> None:
    episode = make_episode()
    url = f"/api/v1/episodes/{episode.pk}/messages"
    sent = _post(logged_in(episode.client), url, {"topic": "running_late", "minutes_late": 10})
    assert sent.status_code == 201
    data = sent.json()
    assert (data["topic"], data["minutes_late"], data["summary"], data["sender_id"]) == (
        "running_late",
        10,
        "I'm running late — 10 minutes.",
        episode.client.pk,
    )
    reply = _post(
        logged_in(episode.therapist), url, {"topic": "other_logistics", "body": "See you then."}
    )
    assert reply.status_code == 201
    listed = logged_in(episode.therapist).get(url).json()
    assert [m["id"] for m in listed] == [data["id"], reply.json()["id"]]
    assert listed[1]["body"] == "See you then."


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"topic": "other_logistics", "body": "x" * 501}, 400, "too_long"),
        ({"topic": "running_late", "minutes_late": 7}, 400, "minutes_late"),
        ({"topic": "other_logistics"}, 400, "body_required"),
        ({"topic": "how_i_feel", "body": "sad"}, 422, "invalid"),
        ({"minutes_late": 5}, 422, "invalid"),
    ],
)
def test_bad_messages_answer_4xx_and_store_nothing(
    db: None, body: dict[str, Any], status: int, code: str
) -> None:
    episode = make_episode()
    response = _post(logged_in(episode.client), f"/api/v1/episodes/{episode.pk}/messages", body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert "detail" in response.json()
    assert not Message.objects.exists()


def test_contact_rule_none_refuses_other_logistics(db: None) -> None:
    episode = make_episode()
    make_frame(episode, contact_rule=ContactRule.NONE)
    response = _post(
        logged_in(episode.therapist),
        f"/api/v1/episodes/{episode.pk}/messages",
        {"topic": "other_logistics", "body": "Thinking of you"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "contact_rule_none")
    assert not Message.objects.exists()


def test_someone_elses_messages_are_not_found(db: None) -> None:
    episode = make_episode()
    do_send_message(episode.client, episode=episode, topic="cancel")
    url = f"/api/v1/episodes/{episode.pk}/messages"
    for outsider in [
        make_client(clinic=episode.clinic),
        make_therapist(clinic=episode.clinic),
        make_staff(clinic=episode.clinic),
    ]:
        http = logged_in(outsider)
        assert http.get(url).status_code == 404
        assert _post(http, url, {"topic": "cancel"}).status_code == 404
    assert Message.objects.count() == 1
    assert Client().get(url).status_code == 401


def test_notebook_write_list_share_delete(db: None) -> None:
    episode = make_episode()
    http = logged_in(episode.client)
    written = _post(http, "/api/v1/notebook", {"body": "Something to bring up"})
    assert written.status_code == 201
    entry_id = written.json()["id"]
    assert written.json()["shared_at"] is None
    kept = _post(http, "/api/v1/notebook", {"body": "Just for me"}).json()["id"]
    assert [e["id"] for e in http.get("/api/v1/notebook").json()] == [kept, entry_id]

    shared = _post(http, f"/api/v1/notebook/{entry_id}/share")
    assert shared.status_code == 200
    assert shared.json()["episode_id"] == episode.pk
    again = _post(http, f"/api/v1/notebook/{entry_id}/share")
    assert (again.status_code, again.json()["code"]) == (409, "already_shared")
    assert http.delete(f"/api/v1/notebook/{entry_id}").status_code == 409
    assert http.delete(f"/api/v1/notebook/{kept}").status_code == 204
    assert list(NotebookEntry.objects.values_list("pk", flat=True)) == [entry_id]


def test_notebook_api_refusals(db: None) -> None:
    client = make_client()
    http = logged_in(client)
    entry = do_write_notebook_entry(client, body="Mine")
    no_episode = _post(http, f"/api/v1/notebook/{entry.pk}/share")
    assert (no_episode.status_code, no_episode.json()["code"]) == (400, "no_episode")
    too_long = _post(http, "/api/v1/notebook", {"body": "x" * 4001})
    assert (too_long.status_code, too_long.json()["code"]) == (400, "too_long")
    assert _post(http, "/api/v1/notebook", {}).status_code == 422

    stranger = logged_in(make_client(clinic=client.clinic))
    assert _post(stranger, f"/api/v1/notebook/{entry.pk}/share").status_code == 404
    assert stranger.delete(f"/api/v1/notebook/{entry.pk}").status_code == 404
    assert stranger.get("/api/v1/notebook").json() == []
    therapist = logged_in(make_therapist(clinic=client.clinic))
    assert _post(therapist, "/api/v1/notebook", {"body": "hi"}).status_code == 403
    assert NotebookEntry.objects.count() == 1
