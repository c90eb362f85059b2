from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.accounts.http import request_user
from alliance.care.access import get_client_record_for_user, get_clinical_episode_for_user
from alliance.core.measures.fhir import build_questionnaire, parse_response
from alliance.measures import registry
from alliance.measures.access import get_response_for_user, get_responses_for_user
from alliance.measures.actions import (
    compute_session_number,
    do_correct_response,
    do_submit_response,
)
from alliance.measures.fhir_export import build_history_bundle
from alliance.measures.models import Response

router = Router(tags=["measures"])


class InstrumentOut(Schema):
    id: str
    title: str
    version: str
    respondent: str
    licence_status: str
    licence_holder: str
    wording_included: bool
    validated: bool
    can_show_to_respondents: bool
    reason: str


class ResponseIn(Schema):
    instrument: str = Field(max_length=40)
    episode_id: int
    answers: dict[str, int | str | None] = Field(description="Link id → answer value (or text).")
    submission_key: str = Field(
        min_length=8,
        max_length=64,
        description="Unique per form; a repeat returns the first response.",
    )


class CorrectionIn(Schema):
    answers: dict[str, int | str | None]
    reason: str = Field(min_length=1, max_length=200)
    submission_key: str = Field(min_length=8, max_length=64)


class FhirImportIn(Schema):
    instrument: str
    episode_id: int
    submission_key: str = Field(min_length=8, max_length=64)
    questionnaire_response: dict[str, Any]


class ResponseOut(Schema):
    id: int
    instrument: str
    instrument_version: str
    episode_id: int | None
    respondent_role: str
    session_number: int | None
    administered_at: dt.datetime
    answers: dict[str, int | None]
    total: float
    band: str
    clinical: bool | None
    critical: bool
    flags: dict[str, bool]
    subscales: dict[str, float]
    missing: list[str]
    prorated: bool
    supersedes_id: int | None
    crisis_resources: str | None = None

    @staticmethod
    def resolve_crisis_resources(obj: Response) -> str | None:
        return obj.client.clinic.crisis_line if obj.critical and obj.client.clinic else None


@router.get("/instruments", response=list[InstrumentOut], summary="Instruments and their licences")
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for instrument in registry.all_instruments():
        allowed, reason = registry.can_show_to_respondents(instrument)
        rows.append(
            {
                "id": instrument.id,
                "title": instrument.title,
                "version": instrument.version,
                "respondent": instrument.respondent.value,
                "licence_status": instrument.licence.status.value,
                "licence_holder": instrument.licence.holder,
                "wording_included": instrument.licence.wording_included,
                "validated": instrument.validated,
                "can_show_to_respondents": allowed,
                "reason": reason,
            }
        )
    return rows


@router.get("/instruments/{instrument_id}/fhir", summary="FHIR R4 Questionnaire")
def instrument_fhir(request: HttpRequest, instrument_id: str) -> dict[str, Any]:
    return build_questionnaire(registry.get_instrument(instrument_id))


@router.post("/responses", response={201: ResponseOut}, summary="Submit a questionnaire")
def submit_response(request: HttpRequest, payload: ResponseIn) -> Status:
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, payload.episode_id)
    # Numbered like the pages number them, so monitoring (which follows session numbers) sees
    # answers given through the API too.
    response = do_submit_response(
        user,
        instrument_id=payload.instrument,
        answers=payload.answers,
        client=episode.client,
        episode=episode,
        submission_key=payload.submission_key,
        session_number=compute_session_number(episode, timezone.localdate()),
    )
    return Status(201, response)


@router.post(
    "/responses/fhir",
    response={201: ResponseOut},
    summary="Submit a FHIR QuestionnaireResponse (rescored from its answers)",
)
def import_fhir_response(request: HttpRequest, payload: FhirImportIn) -> Status:
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, payload.episode_id)
    instrument = registry.get_instrument(payload.instrument)
    parsed = parse_response(instrument, payload.questionnaire_response)
    answers: dict[str, object] = dict(parsed.answers)
    text_item = next((i for i in instrument.items if i.answer_set.kind.value == "text"), None)
    if text_item is not None and parsed.comment:
        answers[text_item.link_id] = parsed.comment
    response = do_submit_response(
        user,
        instrument_id=instrument.id,
        answers=answers,
        client=episode.client,
        episode=episode,
        submission_key=payload.submission_key,
    )
    return Status(201, response)


@router.get("/responses", response=list[ResponseOut], summary="Responses you may see")
def list_responses(
    request: HttpRequest, episode_id: int | None = None, instrument: str | None = None
) -> list[Response]:
    responses = get_responses_for_user(request_user(request)).select_related("client__clinic")
    if episode_id is not None:
        responses = responses.filter(episode_id=episode_id)
    if instrument is not None:
        responses = responses.filter(instrument=instrument)
    return list(responses.order_by("administered_at", "pk")[:1000])


@router.get("/responses/{response_id}", response=ResponseOut, summary="One response")
def get_response(request: HttpRequest, response_id: int) -> Response:
    return get_response_for_user(request_user(request), response_id)


@router.post(
    "/responses/{response_id}/corrections",
    response={201: ResponseOut},
    summary="Correct a response (a new response supersedes it)",
)
def correct_response(request: HttpRequest, response_id: int, payload: CorrectionIn) -> Status:
    user = request_user(request)
    original = get_response_for_user(user, response_id)
    response = do_correct_response(
        user,
        original=original,
        answers=payload.answers,
        reason=payload.reason,
        submission_key=payload.submission_key,
    )
    return Status(201, response)


@router.get("/responses/{response_id}/fhir", summary="FHIR Bundle: the response and its scores")
def response_fhir(request: HttpRequest, response_id: int) -> dict[str, Any]:
    return build_history_bundle([get_response_for_user(request_user(request), response_id)])


@router.get("/episodes/{episode_id}/fhir", summary="FHIR Bundle: every response in an episode")
def episode_fhir(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    user = request_user(request)
    episode = get_clinical_episode_for_user(user, episode_id)
    responses = get_responses_for_user(user).filter(episode=episode, superseded_by__isnull=True)
    return build_history_bundle(responses.order_by("administered_at", "pk"))


@router.get(
    "/clients/{client_id}/fhir",
    summary="FHIR Bundle: a client's history (a therapist sees the episodes they held)",
)
def client_fhir(request: HttpRequest, client_id: int) -> dict[str, Any]:
    user = request_user(request)
    client = get_client_record_for_user(user, client_id)
    responses = get_responses_for_user(user).filter(client=client, superseded_by__isnull=True)
    return build_history_bundle(responses.order_by("administered_at", "pk"))
