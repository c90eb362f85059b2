"""The frame agreement: propose, accept, decline and withdraw versions, and the sessions that
follow from the accepted ones.

A version takes effect only when both client and therapist have accepted it. Accepting a version
re-plans the weekly series from its ``effective_from`` on: untouched future sessions of earlier
versions give way to the new slot; past sessions, held or not, and sessions moved one by one are
never rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
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
from alliance.core.frame import (
    Occurrence,
    Standing,
    check_time_zone,
    frame_diff,
    horizon_end,
    occurrences,
)
from alliance.core.frame.diff import Change
from alliance.core.vocabulary import ALLIANCE_STYLES

MAX_FEE = 100_000


def terms_of(frame: FrameVersion) -> dict[str, Any]:
    """The frame's terms as a plain mapping, in display order."""
    return {name: getattr(frame, name) for name in FRAME_TERMS}


def display_terms(frame: FrameVersion) -> list[tuple[str, str]]:
    """(label, value) pairs for showing a version."""
    return [
        (c.label, c.after) for c in frame_diff(None, _displayable(terms_of(frame)), FRAME_TERMS)
    ]


def changes(before: FrameVersion | None, after: FrameVersion) -> list[Change]:
    """What a version changes compared with the one before it."""
    old = _displayable(terms_of(before)) if before is not None else None
    return frame_diff(old, _displayable(terms_of(after)), FRAME_TERMS)


def _displayable(terms: Mapping[str, Any]) -> dict[str, object]:
    from alliance.care.models import WEEKDAYS, Format

    shown: dict[str, object] = dict(terms)
    shown["weekday"] = WEEKDAYS[terms["weekday"]]
    shown["format"] = Format(terms["format"]).label
    shown["contact_rule"] = ContactRule(terms["contact_rule"]).label
    shown["style"] = ALLIANCE_STYLES.get(terms["style"], terms["style"])
    shown["effective_from"] = terms["effective_from"].isoformat()
    return shown


def clean_terms(raw: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """Validate proposed terms; every problem is one clear InvalidInput naming the field."""
    unknown = set(raw) - set(FRAME_TERMS) - {"note"}
    if unknown:
        raise InvalidInput(f"Unknown terms: {', '.join(sorted(unknown))}.", code="frame_unknown")
    missing = [name for name in FRAME_TERMS if name not in raw and name != "location"]
    if missing:
        raise InvalidInput(f"Missing terms: {', '.join(missing)}.", code="frame_missing")
    terms: dict[str, Any] = {
        "weekday": _whole(raw, "weekday", 0, 6),
        "start_time": _time(raw["start_time"]),
        "time_zone": str(raw["time_zone"]).strip(),
        "minutes": _whole(raw, "minutes", 10, 240),
        "format": _choice(raw, "format", ("online", "in_person")),
        "location": str(raw.get("location") or "").strip(),
        "fee": _whole(raw, "fee", 0, MAX_FEE),
        "cancellation_hours": _whole(raw, "cancellation_hours", 0, 168),
        "contact_rule": _choice(raw, "contact_rule", tuple(ContactRule.values)),
        "style": _choice(raw, "style", tuple(ALLIANCE_STYLES)),
        "ending_goal_level": _whole(raw, "ending_goal_level", -2, 2),
        "ending_stable_weeks": _whole(raw, "ending_stable_weeks", 1, 26),
        "effective_from": _date(raw["effective_from"]),
        "note": str(raw.get("note") or "").strip(),
    }
    check_time_zone(terms["time_zone"])
    if len(terms["location"]) > 120 or len(terms["note"]) > 300:
        raise InvalidInput("Keep the place under 120 and the note under 300 characters.")
    if terms["format"] == "in_person" and not terms["location"]:
        raise InvalidInput("Say where in-person sessions take place.", code="frame_location")
    if terms["format"] == "online":
        terms["location"] = ""
    if terms["effective_from"] < today:
        raise InvalidInput(
            "A change cannot start in the past: choose today or a later date.",
            code="frame_in_past",
        )
    return terms


def _whole(raw: Mapping[str, Any], name: str, low: int, high: int) -> int:
    try:
        value = int(raw[name])
    except (TypeError, ValueError):
        raise InvalidInput(
            f"{FRAME_TERMS[name]}: give a whole number.", code="frame_" + name
        ) from None
    if not low <= value <= high:
        raise InvalidInput(
            f"{FRAME_TERMS[name]}: give a number from {low} to {high}.", code="frame_" + name
        )
    return value


def _choice(raw: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = str(raw[name])
    if value not in allowed:
        raise InvalidInput(f"{FRAME_TERMS[name]}: choose one of the options.", code="frame_" + name)
    return value


def _time(value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.time.fromisoformat(str(value)).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput("Time: use HH:MM, e.g. 18:00.", code="frame_start_time") from None


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            "From: use a date like 2026-12-01.", code="frame_effective_from"
        ) from None


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


def draft_first_frame(
    episode: Episode,
    *,
    weekday: int,
    start: dt.time,
    minutes: int,
    preferred_format: str | None = None,
) -> FrameVersion:
    """The first version, drafted from a booked standing slot and the therapist's terms; both
    client and therapist accept it. Call inside the booking's transaction."""
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
    record_event("care.frame.proposed", actor=None, obj=frame, data={"episode": episode.pk})
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
        replan_after_change(frame, today=today)
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


def replan_after_change(frame: FrameVersion, *, today: dt.date) -> None:
    """Untouched future weekly sessions of earlier versions, from the new version's start on,
    give way to the new slot; then the series is extended."""
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
    clashes = extend_sessions(frame.episode, today=today, strict=True)
    assert not clashes


def extend_sessions(
    episode: Episode, *, today: dt.date, weeks: int | None = None, strict: bool = False
) -> list[dt.datetime]:
    """Create the weekly sessions of the accepted frame up to the rolling horizon.

    Only the future is planned: nothing before now is created. A weekly occurrence that would
    overlap another session of the client or therapist is refused by the database; with
    ``strict`` that is a Conflict (the caller's transaction rolls back), otherwise it is skipped
    and its start returned, so a clash never blocks the rest of the series.
    """
    clashes: list[dt.datetime] = []
    for occurrence in unplanned_occurrences(episode, today=today, weeks=weeks):
        try:
            with transaction.atomic():
                Session.objects.create(
                    episode=episode,
                    client_id=episode.client_id,
                    therapist_id=episode.therapist_id,
                    frame_id=occurrence.key,
                    series_date=occurrence.series_date,
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                )
        except IntegrityError:
            if strict:
                raise Conflict(
                    f"The weekly slot clashes with another session on "
                    f"{timezone.localtime(occurrence.starts_at):%a %-d %b %H:%M}: the therapist "
                    "or the client is already booked then. Choose another time.",
                    code="slot_taken",
                ) from None
            clashes.append(occurrence.starts_at)
    return clashes


def unplanned_occurrences(
    episode: Episode, *, today: dt.date, weeks: int | None = None
) -> list[Occurrence]:
    """The future weekly occurrences of the agreed frame, up to the horizon, that have no
    session yet. Reads only."""
    if episode.state not in ("trial", "active"):
        return []
    # Versions agreed before a resume do not plan sessions after it: the sessions come back
    # once both have accepted the terms proposed again on resuming.
    versions = list(agreed_frames(episode))
    if not versions:
        return []
    end = horizon_end(today) if weeks is None else today + dt.timedelta(weeks=weeks)
    standing = [
        Standing(v.pk, v.weekday, v.start_time, v.minutes, v.time_zone, v.effective_from)
        for v in versions
    ]
    existing = set(
        Session.objects.filter(episode=episode, series_date__isnull=False).values_list(
            "frame_id", "series_date"
        )
    )
    now = timezone.now()
    return [
        o
        for o in occurrences(standing, today, end)
        if o.starts_at > now and (o.key, o.series_date) not in existing
    ]


def find_clashes(episode: Episode, *, today: dt.date) -> list[dt.datetime]:
    """Starts of weekly occurrences that cannot be planned because the client or therapist is
    already booked then (what :func:`extend_sessions` skips). Reads only: pages call it."""
    missing = unplanned_occurrences(episode, today=today)
    if not missing:
        return []
    overlapping = Session.objects.filter(
        Q(client_id=episode.client_id) | Q(therapist_id=episode.therapist_id),
        status=SessionStatus.SCHEDULED,
        starts_at__lt=max(o.ends_at for o in missing),
        ends_at__gt=min(o.starts_at for o in missing),
    )
    busy = list(overlapping.values_list("starts_at", "ends_at"))
    return [
        o.starts_at
        for o in missing
        if any(start < o.ends_at and o.starts_at < end for start, end in busy)
    ]
