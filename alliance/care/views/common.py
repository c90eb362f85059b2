"""Small helpers the care pages share (the fit-review pages use status_of too)."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from alliance.care.models import Episode, FrameState, FrameVersion
from alliance.core.errors import Conflict, DomainError, NotFound, PermissionDenied


def url_or_none(name: str, *args: object) -> str | None:
    """A link to a page another app may not have built yet: None instead of a crash."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def status_of(exc: DomainError) -> int:
    """The status of a page shown again with a refusal; NotFound goes on to the 404 page."""
    if isinstance(exc, NotFound):
        raise exc
    if isinstance(exc, Conflict):
        return 409
    return 403 if isinstance(exc, PermissionDenied) else 400


def latest_accepted(episode: Episode) -> FrameVersion | None:
    return (
        episode.frames.filter(state=FrameState.ACCEPTED)
        .order_by("-effective_from", "-number")
        .first()
    )


def when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%a %-d %b, %H:%M}"
