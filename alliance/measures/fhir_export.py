"""FHIR documents for stored responses: one response, or one client's history as a Bundle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alliance.core.measures import score_response
from alliance.core.measures.fhir import (
    build_bundle,
    build_observations,
    build_questionnaire_response,
)
from alliance.measures import registry
from alliance.measures.models import Response


def _resources_for(response: Response) -> list[dict[str, Any]]:
    instrument = registry.get_key(response.instrument)
    subject = f"Patient/{response.client_id}"
    author_type = "Patient" if response.respondent_role == "client" else "Practitioner"
    answers = dict(response.answers)
    questionnaire_response = build_questionnaire_response(
        instrument,
        answers,
        authored=response.administered_at,
        subject_ref=subject,
        author_ref=f"{author_type}/{response.respondent_id}",
        response_id=str(response.pk),
        comment=response.comment,
    )
    # Observations come from rescoring the stored answers, never from a stored total.
    score = score_response(instrument, answers)
    observations = build_observations(
        instrument,
        score,
        effective=response.administered_at,
        subject_ref=subject,
        derived_from=f"QuestionnaireResponse/{response.pk}",
    )
    return [questionnaire_response, *observations]


def build_history_bundle(responses: Iterable[Response]) -> dict[str, Any]:
    entries = [resource for response in responses for resource in _resources_for(response)]
    return build_bundle(entries)
