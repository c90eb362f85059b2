"""Permission-checked lookups for questionnaire responses.

A client sees the responses they gave; a therapist the responses in episodes they treat, and —
read-only, only while the client's consent after a re-match stands — the client's own answers in
the episode they left for this therapist (the ``measures.shared_episode_ids`` hook, which
reviews answers). Clinic staff see none here (they get aggregate analytics, not individual
answers).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.accounts.models import User
from alliance.core.errors import NotFound
from alliance.measures.hooks import shared_episode_ids
from alliance.measures.models import RespondentRole, Response


def get_responses_for_user(viewer: User) -> QuerySet[Response]:
    if viewer.is_client:
        visible = Q(respondent=viewer, client=viewer)
    elif viewer.is_therapist:
        # Corrections need the original respondent (measures.actions), so shared answers
        # stay read-only; the earlier therapist's own check-ins are theirs, not shared.
        consented = set().union(*shared_episode_ids.send(viewer))
        shared = Q(episode_id__in=consented, respondent_role=RespondentRole.CLIENT)
        visible = Q(episode__therapist=viewer) | shared
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
