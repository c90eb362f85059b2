"""Proposing, accepting, declining and withdrawing frame versions, and planning the sessions
that follow from the accepted ones (see ``care.frames`` for the terms themselves).

A version takes effect only when both client and therapist have accepted it. Accepting a version
re-plans the weekly series from its ``effective_from`` on: untouched future sessions of earlier
versions give way to the new slot; past sessions, held or not, and sessions moved one by one are
never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.frames import clean_terms, unplanned_occurrences
from alliance.care.models import (
    FRAME_TERMS,
    OPEN_STATES,
    ContactRule,
    Episode,
    EpisodeState,
    FrameState,
    FrameVersion,
    Session,
    SessionKind,
    SessionStatus,
)
from alliance.care.queries import agreed_frames
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.core.frame import Occurrence


def _check_open(episode: Episode) -> None:
    if episode.state not in OPEN_STATES:
        raise Conflict("This episode has ended; its frame can no longer change.", code="closed")


@transaction.atomic
def do_propose_frame(
    actor: User,
    *,
    episode: Episode,
    terms: Mapping[str, Any],
    today: dt.date | None = None,
    starts_when_agreed: bool = False,
) -> FrameVersion:
    """Either side proposes a version; proposing is the proposer's own acceptance.

    With ``starts_when_agreed`` the version starts on ``effective_from`` or, if the other person
    answers later, on the day they accept (used for resuming and for the offer to go online)."""
    today = today or timezone.localdate()
    side = episode.side_of(actor)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    _check_open(episode)
    if episode.state == EpisodeState.PAUSED:
        raise Conflict(
            "This episode is paused: resume it first (resuming proposes the last agreed terms).",
            code="episode_paused",
        )
    cleaned = clean_terms(terms, today=today)
    if episode.frames.filter(state=FrameState.PROPOSED).exists():
        raise Conflict(
            "A change to the frame is already waiting for an answer: withdraw it or wait for "
            "the other person to reply before proposing another.",
            code="frame_pending",
        )
    latest = agreed_frames(episode).order_by("-effective_from", "-number").first()
    # After a resume only versions agreed since count: the last terms may be proposed again.
    if latest is not None:
        if cleaned["effective_from"] <= latest.effective_from:
            raise InvalidInput(
                f"The agreed frame (version {latest.number}) runs from "
                f"{latest.effective_from:%-d %B %Y}; a change must start after that.",
                code="frame_effective_from",
            )
        unchanged = all(
            cleaned[name] == getattr(latest, name)
            for name in FRAME_TERMS
            if name != "effective_from"
        )
        # After a resume the last terms are proposed again as they were: agreeing them anew
        # is the point (see ``do_resume_episode``), so "nothing changed" does not apply.
        if unchanged:
            raise InvalidInput("This proposal changes nothing.", code="frame_unchanged")
    now = timezone.now()
    number = (episode.frames.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    frame = FrameVersion.objects.create(
        episode=episode,
        number=number,
        proposed_by=actor,
        proposed_at=now,
        client_accepted_at=now if side == "client" else None,
        therapist_accepted_at=now if side == "therapist" else None,
        starts_when_agreed=starts_when_agreed,
        **cleaned,
    )
    record_event("care.frame.proposed", actor=actor, obj=frame, data={"episode": episode.pk})
    return frame


@transaction.atomic
def do_draft_first_frame(
    actor: User | None,
    *,
    episode: Episode,
    weekday: int,
    start: dt.time,
    minutes: int,
    preferred_format: str | None = None,
    audit: bool = True,
) -> FrameVersion:
    """The first version, drafted from a booked standing slot and the therapist's terms; both
    client and therapist accept it. It has no proposer: it is nobody's own acceptance. With
    ``audit=False`` the caller's event (the booking) names the frame instead."""
    profile = episode.therapist.therapist_profile
    today = timezone.localdate()
    formats = list(profile.formats)
    styles = list(profile.styles)
    # The client's stated preference first, when the therapist offers it; otherwise online if
    # offered, since it needs no travel.
    preferred = preferred_format or episode.client.client_profile.format_preference
    if preferred in formats:
        fmt = preferred
    else:
        fmt = "online" if "online" in formats or not formats else formats[0]
    frame = FrameVersion.objects.create(
        episode=episode,
        number=1,
        proposed_by=None,
        weekday=weekday,
        start_time=start,
        time_zone=profile.time_zone or "UTC",
        minutes=minutes,
        format=fmt,
        # In person needs a place (as ``clean_terms`` requires of every version): the city.
        location=profile.city if fmt == "in_person" else "",
        fee=profile.fee,
        cancellation_hours=24,
        contact_rule=ContactRule.LOGISTICS,
        style=styles[0] if styles else "facilitative",
        effective_from=today,
        note="Drafted from the booked slot and the therapist's usual terms.",
    )
    if audit:
        record_event("care.frame.proposed", actor=actor, obj=frame, data={"episode": episode.pk})
    return frame


@transaction.atomic
def do_accept_frame(
    actor: User, *, frame: FrameVersion, today: dt.date | None = None
) -> FrameVersion:
    """Accept a proposal; once both sides have, it is in force and the sessions follow."""
    today = today or timezone.localdate()
    frame = FrameVersion.objects.select_for_update().select_related("episode").get(pk=frame.pk)
    episode = frame.episode
    side = episode.side_of(actor)
    _check_open(episode)
    if frame.state != FrameState.PROPOSED:
        raise Conflict(
            f"Version {frame.number} is no longer open for an answer.", code="frame_decided"
        )
    already = frame.client_accepted_at if side == "client" else frame.therapist_accepted_at
    if already is not None:
        raise Conflict(
            "You have accepted this version; it is waiting for the other person.",
            code="frame_own_proposal",
        )
    # A draft from a booking (no proposer) and a version that "starts when agreed" take effect
    # on the day both have accepted; any other change whose start has passed must be re-dated.
    if frame.effective_from < today and (frame.starts_when_agreed or not frame.proposed_by_id):
        frame.effective_from = today
    elif frame.effective_from < today:
        raise Conflict(
            f"This change was to start on {frame.effective_from:%-d %B %Y}, which has passed: "
            "propose it again with a new date.",
            code="frame_expired",
        )
    now = timezone.now()
    if side == "client":
        frame.client_accepted_at = now
    else:
        frame.therapist_accepted_at = now
    fields = ["client_accepted_at", "therapist_accepted_at", "effective_from"]
    if frame.client_accepted_at and frame.therapist_accepted_at:
        frame.state = FrameState.ACCEPTED
        frame.decided_at = now
        fields += ["state", "decided_at"]
    frame.save(update_fields=fields)
    record_event("care.frame.accepted", actor=actor, obj=frame, data={"side": side})
    if frame.state == FrameState.ACCEPTED:
        _replan_after_change(frame, today=today)
    return frame


@transaction.atomic
def do_decline_frame(actor: User, *, frame: FrameVersion) -> FrameVersion:
    """The other side says no; the version in force stays."""
    return _close_proposal(actor, frame, FrameState.DECLINED, "care.frame.declined", own=False)


@transaction.atomic
def do_withdraw_frame(actor: User, *, frame: FrameVersion) -> FrameVersion:
    """The proposer takes a proposal back."""
    return _close_proposal(actor, frame, FrameState.WITHDRAWN, "care.frame.withdrawn", own=True)


def _close_proposal(
    actor: User, frame: FrameVersion, state: str, action: str, *, own: bool
) -> FrameVersion:
    frame = FrameVersion.objects.select_for_update().select_related("episode").get(pk=frame.pk)
    side = frame.episode.side_of(actor)
    if frame.state != FrameState.PROPOSED:
        raise Conflict(
            f"Version {frame.number} is no longer open for an answer.", code="frame_decided"
        )
    accepted = frame.client_accepted_at if side == "client" else frame.therapist_accepted_at
    if own and accepted is None:
        raise PermissionDenied("Only the person who proposed a change can withdraw it.")
    if not own and accepted is not None:
        raise PermissionDenied("You proposed this change: withdraw it instead.")
    frame.state = state
    frame.decided_at = timezone.now()
    frame.save(update_fields=["state", "decided_at"])
    record_event(action, actor=actor, obj=frame)
    return frame


def _replan_after_change(frame: FrameVersion, *, today: dt.date) -> None:
    """Untouched future weekly sessions of earlier versions, from the new version's start on,
    give way to the new slot; then the series is planned (a clash refuses the acceptance)."""
    # By series date, not by start: each version's dates are local to its own zone (what
    # ``occurrences`` splits the versions by), and a time-zone change can put a session dated
    # on or after ``effective_from`` before local midnight of that date in the new zone.
    Session.objects.filter(
        episode_id=frame.episode_id,
        kind=SessionKind.REGULAR,
        status=SessionStatus.SCHEDULED,
        moved_from__isnull=True,
        series_date__gte=frame.effective_from,
        starts_at__gte=timezone.now(),
    ).exclude(frame=frame).delete()
    _plan_sessions(frame.episode, today=today, strict=True)


@dataclass(frozen=True)
class Planned:
    """What one planning run did: sessions created, and the weekly starts skipped because the
    client or therapist was already booked then (episode id, start)."""

    n_sessions: int
    clashes: tuple[tuple[int, dt.datetime], ...]


@transaction.atomic
def do_extend_sessions(
    actor: User, *, episodes: Iterable[Episode], today: dt.date, weeks: int | None = None
) -> Planned:
    """Plan the weekly sessions of each episode's agreed frame up to the rolling horizon.

    The scheduler runs it (``alliance sessions extend``) as its own account; one audit event
    counts what a run created, and a run that created nothing and met no clash writes none.
    A clash never blocks the rest of a series: it is skipped and reported."""
    n_episodes, n_sessions, clashes = 0, 0, []
    for episode in episodes:
        n_episodes += 1
        created, skipped = _plan_sessions(episode, today=today, weeks=weeks)
        n_sessions += created
        clashes += [(episode.pk, starts_at) for starts_at in skipped]
    if n_sessions or clashes:
        record_event(
            "care.sessions.planned",
            actor=actor,
            data={"n_episodes": n_episodes, "n_sessions": n_sessions, "n_clashes": len(clashes)},
        )
    return Planned(n_sessions, tuple(clashes))


def _plan_sessions(
    episode: Episode, *, today: dt.date, weeks: int | None = None, strict: bool = False
) -> tuple[int, list[dt.datetime]]:
    """Create the episode's unplanned weekly sessions: one insert when nothing clashes (the
    common case), else one savepoint per session. Returns (created, starts skipped).

    Only the future is planned. A weekly occurrence that would overlap another session of the
    client or therapist is refused by the database; with ``strict`` that is a Conflict (the
    caller's transaction rolls back), otherwise it is skipped."""
    planned = unplanned_occurrences(episode, today=today, weeks=weeks)
    try:
        with transaction.atomic():
            Session.objects.bulk_create([_session_of(episode, o) for o in planned])
    except IntegrityError:
        pass
    else:
        return len(planned), []
    clashes: list[dt.datetime] = []
    for occurrence in planned:
        try:
            with transaction.atomic():
                _session_of(episode, occurrence).save(force_insert=True)
        except IntegrityError:
            if strict:
                raise Conflict(
                    f"The weekly slot clashes with another session on "
                    f"{timezone.localtime(occurrence.starts_at):%a %-d %b %H:%M}: the therapist "
                    "or the client is already booked then. Choose another time.",
                    code="slot_taken",
                ) from None
            clashes.append(occurrence.starts_at)
    return len(planned) - len(clashes), clashes


def _session_of(episode: Episode, occurrence: Occurrence) -> Session:
    return Session(
        episode=episode,
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        frame_id=occurrence.key,
        series_date=occurrence.series_date,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
    )
