from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Role, User
from audit.trail import record_event
from care.models import Episode, EpisodeState
from core.errors import InvalidInput, PermissionDenied


@transaction.atomic
def do_start_episode(
    actor: User | None, *, client: User, therapist: User, started_on: dt.date
) -> Episode:
    """Staff (or the system) pair a client with a therapist of the same clinic."""
    if client.role != Role.CLIENT or therapist.role != Role.THERAPIST:
        raise InvalidInput("An episode pairs a client with a therapist.", code="episode_roles")
    if client.clinic_id != therapist.clinic_id:
        raise InvalidInput(
            "Client and therapist belong to different clinics.", code="episode_clinic"
        )
    if actor is not None and (not actor.is_clinic_staff or actor.clinic_id != client.clinic_id):
        raise PermissionDenied("Only staff of this clinic can start an episode.")
    assert client.clinic_id is not None
    episode = Episode.objects.create(
        clinic_id=client.clinic_id,
        client=client,
        therapist=therapist,
        started_on=started_on,
        state=EpisodeState.TRIAL,
    )
    record_event("care.episode.started", actor=actor, obj=episode)
    return episode
