"""Read-only questions about an episode's frame and sessions, for views and other apps."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from alliance.care.models import Episode, FrameState, FrameVersion


def agreed_frames(episode: Episode) -> QuerySet[FrameVersion]:
    """Accepted versions still in play: after a resume, those agreed before it no longer are."""
    frames = episode.frames.filter(state=FrameState.ACCEPTED)
    if episode.resumed_after_frame is not None:
        frames = frames.filter(number__gt=episode.resumed_after_frame)
    return frames


def current_frame(episode: Episode, on: dt.date) -> FrameVersion | None:
    """The accepted frame version in force on ``on`` (the latest one already effective)."""
    return (
        agreed_frames(episode)
        .filter(effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def pending_frame(episode: Episode) -> FrameVersion | None:
    """The proposal waiting for the other side's answer, if any."""
    return episode.frames.filter(state=FrameState.PROPOSED).first()
