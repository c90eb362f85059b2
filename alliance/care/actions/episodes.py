"""Starting, pausing, resuming and ending episodes; declaring a dual relationship; the offer
to carry on online when a therapist moves city."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.accounts.models import Role, User
from alliance.audit.trail import record_event
from alliance.care.actions.frames import do_propose_frame
from alliance.care.frames import terms_of
from alliance.care.models import (
    OPEN_STATES,
    ConflictDeclaration,
    EndReason,
    Episode,
    EpisodePause,
    EpisodeState,
    Format,
    FrameState,
    FrameVersion,
    Notice,
    Session,
    SessionStatus,
)
from alliance.care.queries import agreed_frames, current_frame, pending_frame
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.directory.models import TherapistProfile


@transaction.atomic
def do_start_episode(
    actor: User | None,
    *,
    client: User,
    therapist: User,
    started_on: dt.date,
    audit: bool = True,
) -> Episode:
    """Staff (or the system) pair a client with a therapist of the same clinic. With
    ``audit=False`` the caller's event (a booking) names the episode instead."""
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
    if audit:
        record_event("care.episode.started", actor=actor, obj=episode)
    return episode


@transaction.atomic
def do_pause_episode(actor: User, *, episode: Episode, today: dt.date | None = None) -> Episode:
    """Client or therapist pause: sessions ahead are cancelled, the history stays whole."""

    today = today or timezone.localdate()
    episode.side_of(actor)  # its client or therapist only
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state not in (EpisodeState.TRIAL, EpisodeState.ACTIVE):
        raise Conflict(
            "Only a running episode can be paused (this one is "
            f"{episode.get_state_display().lower()}).",
            code="episode_not_running",
        )
    episode.state = EpisodeState.PAUSED
    episode.save(update_fields=["state"])
    EpisodePause.objects.create(episode=episode, paused_on=today, paused_by=actor)
    cancelled = _cancel_sessions_ahead(episode, actor=actor, reason="Paused")
    withdrawn = FrameVersion.objects.filter(episode=episode, state=FrameState.PROPOSED).update(
        state=FrameState.WITHDRAWN, decided_at=timezone.now()
    )
    record_event(
        "care.episode.paused",
        actor=actor,
        obj=episode,
        data={"n_sessions_cancelled": cancelled, "n_proposals_withdrawn": withdrawn},
    )
    return episode


@transaction.atomic
def do_resume_episode(
    actor: User, *, episode: Episode, starts_on: dt.date | None = None, today: dt.date | None = None
) -> FrameVersion | None:
    """Resume with the same therapist, however long after. The whole history stays; measures
    from today form a fresh baseline. The last agreed frame is proposed again, from
    ``starts_on``, for the other person to accept (the slot may have changed in between)."""

    today = today or timezone.localdate()
    side = episode.side_of(actor)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state != EpisodeState.PAUSED:
        raise Conflict("Only a paused episode can be resumed.", code="episode_not_paused")
    if side == "therapist" and not episode.therapist.is_active:
        raise Conflict("This therapist no longer works here.", code="therapist_inactive")
    episode.state = EpisodeState.ACTIVE
    episode.baseline_from = today
    episode.resumed_after_frame = (
        episode.frames.order_by("-number").values_list("number", flat=True).first()
    )
    episode.save(update_fields=["state", "baseline_from", "resumed_after_frame"])
    EpisodePause.objects.filter(episode=episode, resumed_on__isnull=True).update(
        resumed_on=today, resumed_by=actor
    )
    record_event("care.episode.resumed", actor=actor, obj=episode)
    last = (
        episode.frames.filter(state=FrameState.ACCEPTED)
        .order_by("-effective_from", "-number")
        .first()
    )
    if last is None:
        return None
    terms = terms_of(last)
    terms["effective_from"] = starts_on or today  # a past date is refused, nothing changes
    terms["note"] = "Resuming after a pause, on the terms we last agreed."
    return do_propose_frame(
        actor, episode=episode, terms=terms, today=today, starts_when_agreed=True
    )


ENDABLE_BY = {
    "client": {EndReason.CLIENT_STOPPED, EndReason.PLANNED},
    "therapist": {
        EndReason.PLANNED,
        EndReason.CLIENT_STOPPED,
        EndReason.DROPOUT,
        EndReason.THERAPIST_LEFT,
    },
    "staff": {
        EndReason.PLANNED,
        EndReason.CLIENT_STOPPED,
        EndReason.DROPOUT,
        EndReason.THERAPIST_LEFT,
    },
}


@transaction.atomic
def do_end_episode(
    actor: User | None, *, episode: Episode, reason: str, today: dt.date | None = None
) -> Episode:
    """End an episode: sessions ahead are cancelled and the therapist's place is given back.

    ``actor`` None is the system (a re-match transfer, a declared conflict)."""

    today = today or timezone.localdate()
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if actor is not None:
        if actor.is_clinic_staff and actor.clinic_id == episode.clinic_id:
            side = "staff"
        else:
            side = episode.side_of(actor)
        if reason not in ENDABLE_BY[side]:
            raise InvalidInput("Choose why the episode ends.", code="end_reason")
    if episode.state not in OPEN_STATES:
        raise Conflict("This episode has already ended.", code="closed")
    episode.state = EpisodeState.TRANSFERRED if reason == EndReason.REMATCH else EpisodeState.ENDED
    episode.end_reason, episode.ended_on = reason, today
    episode.save(update_fields=["state", "end_reason", "ended_on"])
    cancelled = _cancel_sessions_ahead(episode, actor=actor, reason="Episode ended")
    withdrawn = FrameVersion.objects.filter(episode=episode, state=FrameState.PROPOSED).update(
        state=FrameState.WITHDRAWN, decided_at=timezone.now()
    )
    _give_place_back(episode)
    record_event(
        "care.episode.ended",
        actor=actor,
        obj=episode,
        data={
            "reason": reason,
            "n_sessions_cancelled": cancelled,
            "n_proposals_withdrawn": withdrawn,
        },
    )
    return episode


def _give_place_back(episode: Episode) -> None:
    """Only a place the episode took is given back, so capacity never grows by itself."""

    if episode.holds_place:
        TherapistProfile.objects.filter(user_id=episode.therapist_id).update(
            capacity=F("capacity") + 1
        )
        Episode.objects.filter(pk=episode.pk).update(holds_place=False)


@transaction.atomic
def do_declare_conflict(actor: User, *, episode: Episode) -> ConflictDeclaration:
    """Either side declares a dual relationship (they know each other outside therapy): the
    episode ends and the two are never matched again. The reason is not recorded."""
    side = episode.side_of(actor)
    declaration, created = ConflictDeclaration.objects.get_or_create(
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        defaults={"clinic_id": episode.clinic_id, "declared_by": actor, "episode": episode},
    )
    episode.client.client_profile.excluded_therapists.add(episode.therapist)
    if episode.state in OPEN_STATES:
        do_end_episode(None, episode=episode, reason=EndReason.CONFLICT)
    if created:
        record_event("care.conflict.declared", actor=actor, obj=declaration, data={"by": side})
    return declaration


@transaction.atomic
def do_confirm_continuing(actor: User, *, episode: Episode) -> Episode:
    """After the first sessions, client or therapist confirm they carry on: trial → active."""
    episode.side_of(actor)  # its client or therapist only
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state != EpisodeState.TRIAL:
        raise Conflict("This episode is not in its trial.", code="episode_not_trial")
    episode.state = EpisodeState.ACTIVE
    episode.save(update_fields=["state"])
    record_event("care.episode.continued", actor=actor, obj=episode)
    return episode


@transaction.atomic
def do_offer_online_after_move(therapist: User, *, new_city: str) -> list[FrameVersion]:
    """A therapist moved city: each open episode whose frame is in person is offered the same
    slot online (a proposal the client accepts or declines), rather than a re-match.

    Call inside the profile update's transaction. Episodes with a proposal already pending, or
    a change already agreed for a later date, are skipped (they are returned nowhere; the
    therapist sees them on the episode page)."""

    today = timezone.localdate()
    offers = []
    running = (EpisodeState.TRIAL, EpisodeState.ACTIVE)  # paused ones are asked on resuming
    for episode in Episode.objects.filter(therapist=therapist, state__in=running):
        frame = current_frame(episode, today)
        if frame is None or frame.format != Format.IN_PERSON or pending_frame(episode):
            continue
        if agreed_frames(episode).filter(effective_from__gt=today).exists():
            # A change already agreed for later: an offer from today would have to start after
            # it (do_propose_frame refuses otherwise, failing the whole profile update), so it
            # is left, like a pending one, to the episode page.
            continue
        terms = terms_of(frame)
        terms.update(
            format=Format.ONLINE,
            location="",
            effective_from=max(today, frame.effective_from + dt.timedelta(days=1)),
            note=f"Your therapist is moving to {new_city}. Carry on online, same day and time?",
        )
        offers.append(
            do_propose_frame(
                therapist, episode=episode, terms=terms, today=today, starts_when_agreed=True
            )
        )
    return offers


def _cancel_sessions_ahead(episode: Episode, *, actor: User | None, reason: str) -> int:
    """Cancel every scheduled session still ahead (pause, ending): part of the caller's action,
    whose event counts them."""
    now = timezone.now()
    return Session.objects.filter(
        episode=episode, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ).update(
        status=SessionStatus.CANCELLED,
        cancelled_by=actor,
        cancelled_at=now,
        notice=Notice.EARLY,
        reason=reason,
    )
