from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import Role, User
from audit.trail import record_event
from care.models import OPEN_STATES, Episode, EpisodeState
from core.errors import Conflict, InvalidInput, PermissionDenied


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
    if not therapist.is_active:
        raise InvalidInput("This therapist's account is deactivated.", code="therapist_inactive")
    if client.client_profile.excluded_therapists.filter(pk=therapist.pk).exists():
        raise InvalidInput(
            "The client knows this therapist personally (no dual relationships).",
            code="therapist_excluded",
        )
    if Episode.objects.select_for_update().filter(client=client, state__in=OPEN_STATES).exists():
        raise Conflict("The client is already working with a therapist.", code="episode_open")
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
