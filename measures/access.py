"""Permission-checked lookups for questionnaire responses.

A client sees the responses they gave; a therapist the responses in episodes they treat. Clinic
staff see none here (they get aggregate analytics, not individual answers).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from core.errors import NotFound
from measures.models import Response


def get_responses_for_user(viewer: User) -> QuerySet[Response]:
    if viewer.is_client:
        visible = Q(respondent=viewer, client=viewer)
    elif viewer.is_therapist:
        visible = Q(episode__therapist=viewer)
    else:
        return Response.objects.none()
    return Response.objects.filter(visible).select_related("episode")


def get_response_for_user(viewer: User, response_id: int) -> Response:
    response = get_responses_for_user(viewer).filter(pk=response_id).first()
    if response is None:
        raise NotFound("No such response.")
    return response


def get_current_responses(responses: QuerySet[Response]) -> QuerySet[Response]:
    """Leave out responses that a correction superseded."""
    return responses.filter(superseded_by__isnull=True)
