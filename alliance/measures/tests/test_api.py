"""The measures API: submit, read, correct and export through the access helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.care.actions.episodes import do_start_episode
from alliance.core.measures.fhir import build_questionnaire_response
from alliance.measures import registry
from alliance.measures.models import Response
from tests.factories import make_client, make_clinic, make_therapist

PHQ9 = {f"phq9-{n}": v for n, v in zip(range(1, 10), [1, 2, 0, 1, 3, 0, 1, 0, 0], strict=True)}


def _setup():
    clinic = make_clinic()
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    episode = do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 10, 1)
    )
    return episode


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _post(http: Client, url: str, body: dict) -> Any:
    return http.post(url, body, content_type="application/json")


def test_submit_and_read_back(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    body = {
        "instrument": "phq-9",
        "episode_id": episode.pk,
        "answers": PHQ9,
        "submission_key": "abcdefgh",
    }
    created = _post(http, "/api/v1/responses", body)
    assert created.status_code == 201
    data = created.json()
    assert (data["total"], data["band"], data["critical"], data["crisis_resources"]) == (
        8,
        "mild",
        False,
        None,
    )
    again = _post(http, "/api/v1/responses", body)
    assert again.json()["id"] == data["id"]
    assert Response.objects.count() == 1
    listed = http.get("/api/v1/responses", {"episode_id": episode.pk}).json()
    assert [r["id"] for r in listed] == [data["id"]]


def test_risk_answer_through_the_api_returns_the_crisis_line(db: None) -> None:
    episode = _setup()
    body = {
        "instrument": "phq-9",
        "episode_id": episode.pk,
        "answers": {**PHQ9, "phq9-9": 2},
        "submission_key": "risk-key-1",
    }
    data = _post(_as(episode.client), "/api/v1/responses", body).json()
    assert data["critical"] is True
    assert data["flags"]["item9_risk"] is True
    assert data["crisis_resources"] == episode.clinic.crisis_line


def test_bad_input_is_a_clear_4xx_and_stores_nothing(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    cases = [
        ({"instrument": "phq-9", "answers": {**PHQ9, "phq9-1": 7}}, 400, "answer_out_of_range"),
        ({"instrument": "phq-9", "answers": {"phq9-1": 1}}, 400, "incomplete"),
        ({"instrument": "nope", "answers": PHQ9}, 404, "unknown_instrument"),
        ({"instrument": "srs", "answers": {"srs-1": 50}}, 400, "instrument_not_licensed"),
    ]
    for n, (change, status, code) in enumerate(cases):
        body = {"episode_id": episode.pk, "submission_key": f"bad-key-{n}", **change}
        response = _post(http, "/api/v1/responses", body)
        assert response.status_code == status, change
        assert response.json()["code"] == code
    assert _post(http, "/api/v1/responses", {"instrument": "phq-9"}).status_code == 422
    assert not Response.objects.exists()


def test_therapist_sees_their_clients_responses_only(db: None) -> None:
    episode, other = _setup(), _setup()
    for ep in (episode, other):
        body = {
            "instrument": "phq-9",
            "episode_id": ep.pk,
            "answers": PHQ9,
            "submission_key": "same-key-1",
        }
        _post(_as(ep.client), "/api/v1/responses", body)
    listed = _as(episode.therapist).get("/api/v1/responses").json()
    assert {r["episode_id"] for r in listed} == {episode.pk}
    foreign = Response.objects.get(episode=other)
    assert _as(episode.therapist).get(f"/api/v1/responses/{foreign.pk}").status_code == 404
    assert _as(episode.client).get(f"/api/v1/responses/{foreign.pk}").status_code == 404


def test_fhir_exports_validate(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    body = {
        "instrument": "phq-9",
        "episode_id": episode.pk,
        "answers": PHQ9,
        "submission_key": "fhir-key-1",
    }
    response_id = _post(http, "/api/v1/responses", body).json()["id"]
    one = Bundle.model_validate(http.get(f"/api/v1/responses/{response_id}/fhir").json())
    assert one.entry is not None
    kinds = [entry.resource.get_resource_type() for entry in one.entry if entry.resource]
    assert kinds[0] == "QuestionnaireResponse"
    assert "Observation" in kinds
    history = Bundle.model_validate(
        _as(episode.therapist).get(f"/api/v1/episodes/{episode.pk}/fhir").json()
    )
    assert history.entry is not None
    assert len(history.entry) == len(one.entry)
    questionnaire = Questionnaire.model_validate(http.get("/api/v1/instruments/phq-9/fhir").json())
    assert questionnaire.code is not None
    assert questionnaire.code[0].code == "44249-1"


def test_fhir_import_is_rescored_from_the_answers(db: None) -> None:
    episode = _setup()
    instrument = registry.get_key("phq-9")
    document = build_questionnaire_response(
        instrument, PHQ9, authored=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), subject_ref="Patient/1"
    )
    # A stored (wrong) total is ignored: the answers sum to 8.
    document["item"].append({"linkId": "total", "answer": [{"valueInteger": 13}]})
    body = {
        "instrument": "phq-9",
        "episode_id": episode.pk,
        "submission_key": "import-key-1",
        "questionnaire_response": document,
    }
    data = _post(_as(episode.client), "/api/v1/responses/fhir", body).json()
    assert data["total"] == 8
    bad = {
        **body,
        "submission_key": "import-key-2",
        "questionnaire_response": {"resourceType": "Patient"},
    }
    response = _post(_as(episode.client), "/api/v1/responses/fhir", bad)
    assert response.status_code == 400
    assert response.json()["code"] == "fhir_invalid"
    assert Response.objects.count() == 1


def test_instruments_list_reports_licences(db: None) -> None:
    rows = {row["id"]: row for row in _as(make_client()).get("/api/v1/instruments").json()}
    assert rows["phq-9"]["can_show_to_respondents"] is True
    assert rows["wai-sr"]["can_show_to_respondents"] is False
    assert "alliance instruments import" in rows["wai-sr"]["reason"]
    assert rows["alliance-checkin-client"]["validated"] is False


def test_client_history_bundle(db: None) -> None:
    episode = _setup()
    http = _as(episode.client)
    for n in range(2):
        body = {
            "instrument": "phq-9",
            "episode_id": episode.pk,
            "answers": PHQ9,
            "submission_key": f"history-key-{n}",
        }
        _post(http, "/api/v1/responses", body)
    own = Bundle.model_validate(http.get(f"/api/v1/clients/{episode.client_id}/fhir").json())
    assert own.entry is not None
    kinds = [entry.resource.get_resource_type() for entry in own.entry if entry.resource]
    assert kinds.count("QuestionnaireResponse") == 2
    therapist_view = _as(episode.therapist).get(f"/api/v1/clients/{episode.client_id}/fhir")
    assert therapist_view.status_code == 200
    stranger = make_therapist(clinic=episode.clinic)
    assert _as(stranger).get(f"/api/v1/clients/{episode.client_id}/fhir").status_code == 404


def test_validation_errors_share_the_error_shape(db: None) -> None:
    response = _post(_as(make_client()), "/api/v1/responses", {"instrument": "phq-9"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert {error["loc"][-1] for error in body["errors"]} >= {"episode_id", "answers"}
