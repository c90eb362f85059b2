"""The frame agreement's terms: cleaning and showing them, what changed between versions,
and which weekly sessions the agreed versions still have to plan. Reads only; the changes are
in ``care.actions.frames``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone

from alliance.care.models import (
    FRAME_TERMS,
    ContactRule,
    Episode,
    FrameVersion,
    Session,
    SessionStatus,
)
from alliance.care.queries import agreed_frames
from alliance.core.errors import InvalidInput
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
    already booked then (what ``do_extend_sessions`` skips). Reads only: pages call it."""
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
