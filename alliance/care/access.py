"""Permission-checked lookups for episodes of care.

A client sees their own episodes; a therapist the episodes they hold; clinic staff every episode
in their clinic. Anything else is "not found".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from alliance.accounts.models import User
from alliance.care.models import OPEN_STATES, Episode, FrameVersion, Session
from alliance.core.errors import NotFound


def get_episodes_for_user(viewer: User) -> QuerySet[Episode]:
    if not viewer.is_authenticated:
        return Episode.objects.none()
    visible = Q(client=viewer) | Q(therapist=viewer)
    if viewer.is_clinic_staff and viewer.clinic_id is not None:
        visible |= Q(clinic_id=viewer.clinic_id)
    return Episode.objects.filter(visible).select_related("client", "therapist", "clinic")


def get_episode_for_user(viewer: User, episode_id: int) -> Episode:
    episode = get_episodes_for_user(viewer).filter(pk=episode_id).first()
    if episode is None:
        raise NotFound("No such episode.")
    return episode


def get_clinical_episode_for_user(viewer: User, episode_id: int) -> Episode:
    """An episode whose clinical record the viewer is part of: its client or its therapist.

    Clinic staff manage episodes but do not read or write individual answers.
    """
    episode = (
        Episode.objects.filter(Q(client=viewer) | Q(therapist=viewer), pk=episode_id)
        .select_related("client", "therapist", "clinic")
        .first()
    )
    if episode is None:
        raise NotFound("No such episode.")
    return episode


def get_treating_episode_for_user(viewer: User, episode_id: int) -> Episode:
    """An episode the viewer treats: only its therapist (for clinical actions)."""
    episode = (
        Episode.objects.filter(pk=episode_id, therapist=viewer).select_related("client").first()
    )
    if episode is None:
        raise NotFound("No such episode.")
    return episode


def get_current_episode_for_client(client: User) -> Episode | None:
    """The client's open episode, if any (most recent first)."""
    return (
        Episode.objects.filter(client=client, state__in=OPEN_STATES)
        .select_related("therapist", "clinic")
        .first()
    )


def get_client_record_for_user(viewer: User, client_id: int) -> User:
    """A client whose clinical record the viewer may read: themselves, or a therapist who has
    treated them (the viewer then sees only the episodes they held)."""
    visible = Q(pk=viewer.pk, role="client") | Q(episodes_as_client__therapist=viewer)
    client = User.objects.filter(visible, pk=client_id).distinct().first()
    if client is None:
        raise NotFound("No such client.")
    return client


def get_frame_for_user(viewer: User, frame_id: int) -> FrameVersion:
    """A frame version, through its episode: only the episode's client or therapist."""
    episode_id = FrameVersion.objects.filter(pk=frame_id).values_list("episode_id", flat=True)
    found = episode_id.first()
    if found is None:
        raise NotFound("No such frame.")
    episode = get_clinical_episode_for_user(viewer, found)
    frame = FrameVersion.objects.get(pk=frame_id)
    frame.episode = episode
    return frame


def get_session_for_user(viewer: User, session_id: int) -> Session:
    """A session, through its episode: only the episode's client or therapist."""
    episode_id = Session.objects.filter(pk=session_id).values_list("episode_id", flat=True)
    found = episode_id.first()
    if found is None:
        raise NotFound("No such session.")
    episode = get_clinical_episode_for_user(viewer, found)
    session = Session.objects.select_related("frame").get(pk=session_id)
    session.episode = episode
    return session


def get_sessions_for_user(viewer: User) -> QuerySet[Session]:
    """The sessions the viewer takes part in, as client or as therapist."""
    if not viewer.is_authenticated:
        return Session.objects.none()
    return Session.objects.filter(Q(client=viewer) | Q(therapist=viewer))
