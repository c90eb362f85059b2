"""One-off changes to sessions and their outcomes: move one, cancel one, add an extra one,
record what happened. None of these touches the rest of the weekly series."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.hooks import session_changed
from alliance.care.models import (
    Episode,
    Session,
    SessionKind,
    SessionStatus,
)
from alliance.care.queries import current_frame
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.core.frame import cancellation_notice, check_move, overrun_minutes

TAKEN = (
    "That time is taken: you or the other person already has a session then. Choose another time."
)


def _locked(session: Session, actor: User) -> Session:
    # of=("self",): ``frame`` is nullable, so it is an outer join, and PostgreSQL refuses to
    # lock the nullable side of one ("FOR UPDATE cannot be applied to …"); the session's own
    # row is the one to lock.
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("episode", "frame")
        .get(pk=session.pk)
    )
    if actor.pk not in (session.client_id, session.therapist_id):
        raise NotFound("No such session.")
    return session


def _check_scheduled(session: Session) -> None:
    if session.status != SessionStatus.SCHEDULED:
        raise Conflict(
            f"This session is already {session.get_status_display().lower()}.",
            code="session_decided",
        )


@transaction.atomic
def do_move_session(
    actor: User, *, session: Session, starts_at: dt.datetime, now: dt.datetime | None = None
) -> Session:
    """Move one session (client or therapist); the weekly series stays where it is."""
    now = now or timezone.now()
    session = _locked(session, actor)
    _check_scheduled(session)
    check_move(session.starts_at, starts_at, now)
    if starts_at == session.starts_at:
        raise InvalidInput("That is the time it already has.", code="session_unchanged")
    length = session.ends_at - session.starts_at
    if session.moved_from is None:
        session.moved_from = session.starts_at
    session.starts_at, session.ends_at = starts_at, starts_at + length
    try:
        with transaction.atomic():
            session.save(update_fields=["starts_at", "ends_at", "moved_from"])
    except IntegrityError:
        raise Conflict(TAKEN, code="slot_taken") from None
    record_event("care.session.moved", actor=actor, obj=session)
    return session


@transaction.atomic
def do_cancel_session(
    actor: User, *, session: Session, reason: str = "", now: dt.datetime | None = None
) -> Session:
    """Cancel one session, noting whether the agreed notice was given."""
    now = now or timezone.now()
    session = _locked(session, actor)
    _check_scheduled(session)
    reason = reason.strip()
    if len(reason) > 200:
        raise InvalidInput("Keep the reason under 200 characters.", code="reason_too_long")
    hours = session.frame.cancellation_hours if session.frame is not None else 24
    session.notice = cancellation_notice(session.starts_at, now, hours)
    session.status = SessionStatus.CANCELLED
    session.cancelled_by, session.cancelled_at, session.reason = actor, now, reason
    session.save(update_fields=["notice", "status", "cancelled_by", "cancelled_at", "reason"])
    side = "client" if actor.pk == session.client_id else "therapist"
    record_event(
        "care.session.cancelled",
        actor=actor,
        obj=session,
        data={"by": side, "notice": session.notice},
    )
    session_changed.send(session, actor, now)
    return session


@transaction.atomic
def do_add_session(
    actor: User,
    *,
    episode: Episode,
    starts_at: dt.datetime,
    minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Session:
    """The therapist adds an extra one-off session (e.g. agreed in session)."""
    now = now or timezone.now()
    if actor.pk != episode.therapist_id:
        raise PermissionDenied("The therapist adds extra sessions; ask in a message.")
    if episode.state not in ("trial", "active"):
        raise Conflict("Sessions are added to a running episode.", code="episode_not_running")
    if starts_at.tzinfo is None:
        raise InvalidInput("Give the time with its time zone.", code="naive_datetime")
    if starts_at <= now:
        raise InvalidInput("An extra session must be in the future.", code="session_in_past")
    frame = current_frame(episode, timezone.localdate(now))
    length = minutes or (frame.minutes if frame is not None else 50)
    if not 10 <= length <= 240:
        raise InvalidInput("A session lasts 10 to 240 minutes.", code="invalid_minutes")
    try:
        with transaction.atomic():
            session = Session.objects.create(
                episode=episode,
                client_id=episode.client_id,
                therapist_id=episode.therapist_id,
                frame=frame,
                kind=SessionKind.EXTRA,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=length),
            )
    except IntegrityError:
        raise Conflict(TAKEN, code="slot_taken") from None
    record_event("care.session.added", actor=actor, obj=session)
    return session


@transaction.atomic
def do_record_outcome(
    actor: User,
    *,
    session: Session,
    outcome: str,
    actual_start: dt.datetime | None = None,
    actual_end: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Session:
    """The therapist records what happened: held (with the real times) or a no-show."""
    now = now or timezone.now()
    session = _locked(session, actor)
    if actor.pk != session.therapist_id:
        raise PermissionDenied("The therapist records how a session went.")
    _check_scheduled(session)
    if now < session.starts_at:
        raise InvalidInput("This session has not started yet.", code="session_not_started")
    if outcome == SessionStatus.HELD:
        if actual_start is None or actual_end is None:
            raise InvalidInput("Give the time it started and ended.", code="session_times")
        overrun_minutes(actual_start, actual_end, session.minutes)  # validates the times
        if actual_end > now + dt.timedelta(minutes=5):
            raise InvalidInput("The end time is in the future.", code="session_times")
        session.actual_start, session.actual_end = actual_start, actual_end
    elif outcome == SessionStatus.NO_SHOW:
        session.actual_start = session.actual_end = None
    else:
        raise InvalidInput("Record the session as held or as a no-show.", code="session_outcome")
    session.status, session.recorded_by, session.recorded_at = outcome, actor, now
    session.save(
        update_fields=["status", "actual_start", "actual_end", "recorded_by", "recorded_at"]
    )
    data: dict[str, object] = {"outcome": outcome}
    if outcome == SessionStatus.HELD:
        data["overrun_minutes"] = session.overrun
    record_event("care.session.recorded", actor=actor, obj=session, data=data)
    session_changed.send(session, actor, now)
    return session
