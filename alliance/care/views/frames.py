"""The frame: every version, a proposed change, and the answers to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alliance.accounts.http import request_user
from alliance.care.access import get_clinical_episode_for_user, get_frame_for_user
from alliance.care.actions.frames import (
    do_accept_frame,
    do_decline_frame,
    do_propose_frame,
    do_withdraw_frame,
)
from alliance.care.forms import FrameForm
from alliance.care.frames import changes, display_terms, terms_of
from alliance.care.models import (
    FRAME_TERMS,
    ContactRule,
    Episode,
    EpisodeState,
    Format,
    FrameState,
    FrameVersion,
)
from alliance.care.views.common import status_of
from alliance.care.views.episodes import refused
from alliance.core.errors import DomainError
from alliance.core.frame import Change
from alliance.core.vocabulary import ALLIANCE_STYLE_EXPLANATIONS, ALLIANCE_STYLES


@dataclass(frozen=True)
class VersionRow:
    frame: FrameVersion
    caption: str
    changes: list[Change]
    terms: list[tuple[str, str]]  # the whole agreement, for the first version only


def _version_rows(frames: list[FrameVersion]) -> list[VersionRow]:
    """Each version with what it changes against the agreement in force when it was made."""
    rows: list[VersionRow] = []
    agreed: FrameVersion | None = None
    for frame in sorted(frames, key=lambda f: f.number):
        if agreed is None:
            rows.append(VersionRow(frame, "The first terms", [], display_terms(frame)))
        else:
            caption = f"Compared with version {agreed.number}"
            rows.append(VersionRow(frame, caption, changes(agreed, frame), []))
        if frame.state == FrameState.ACCEPTED and (
            agreed is None or frame.effective_from >= agreed.effective_from
        ):
            agreed = frame
    return rows[::-1]


def _frame_initial(episode: Episode, frames: list[FrameVersion], today: dt.date) -> dict[str, Any]:
    accepted = [f for f in frames if f.state == FrameState.ACCEPTED]
    base = max(accepted, key=lambda f: (f.effective_from, f.number), default=None)
    if base is None and frames:
        base = max(frames, key=lambda f: f.number)
    if base is not None:
        initial = terms_of(base)
        initial["effective_from"] = max(today, base.effective_from + dt.timedelta(days=1))
        if base.state != FrameState.ACCEPTED:
            initial["effective_from"] = max(today, base.effective_from)
        return initial
    profile = episode.therapist.therapist_profile
    styles = list(profile.styles)
    return {
        "weekday": today.weekday(),
        "start_time": dt.time(18, 0),
        "time_zone": profile.time_zone or "UTC",
        "minutes": 50,
        "format": Format.ONLINE,
        "fee": profile.fee,
        "cancellation_hours": 24,
        "contact_rule": ContactRule.LOGISTICS,
        "style": styles[0] if styles else "facilitative",
        "ending_goal_level": 0,
        "ending_stable_weeks": 4,
        "effective_from": today,
    }


FIELD_OF_CODE = {"frame_in_past": "effective_from", "unknown_time_zone": "time_zone"}


def _field_of(exc: DomainError) -> str | None:
    """The form field a refused proposal is about, so the message sits beside it."""
    name = FIELD_OF_CODE.get(exc.code, exc.code.removeprefix("frame_"))
    return name if name in FRAME_TERMS else None


def episode_frame(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Every version of the agreement, and a form to propose a change."""
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    today = timezone.localdate()
    frames = list(episode.frames.select_related("proposed_by"))
    form = FrameForm(request.POST or None, initial=_frame_initial(episode, frames, today))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                do_propose_frame(viewer, episode=episode, terms=form.cleaned_data, today=today)
            except DomainError as exc:
                form.add_error(_field_of(exc), exc.detail)
                status = status_of(exc)
            else:
                messages.success(
                    request,
                    f"Your proposal is sent. It takes effect once "
                    f"{episode.other_of(viewer).first_name} accepts it.",
                )
                return redirect("episode-detail", episode_id=episode.pk)
    context = {
        "episode": episode,
        "side": episode.side_of(viewer),
        "versions": _version_rows(frames),
        "form": form,
        "paused": episode.state == EpisodeState.PAUSED,
        "pending": next((f for f in frames if f.state == FrameState.PROPOSED), None),
        "styles": [(ALLIANCE_STYLES[k], text) for k, text in ALLIANCE_STYLE_EXPLANATIONS.items()],
    }
    return render(request, "care/episode_frame.html", context, status=status)


def _answer_frame(request: HttpRequest, frame_id: int, action: Any, done: str) -> HttpResponse:
    viewer = request_user(request)
    frame = get_frame_for_user(viewer, frame_id)
    try:
        answered = action(viewer, frame=frame)
    except DomainError as exc:
        return refused(request, frame.episode, exc)
    if answered.state == FrameState.PROPOSED:  # a draft from a booking: both accept it
        done = f"Accepted. Waiting for {frame.episode.other_of(viewer).first_name} to accept too."
    messages.success(request, done)
    return redirect("episode-detail", episode_id=frame.episode_id)


@require_POST
def frame_accept(request: HttpRequest, frame_id: int) -> HttpResponse:
    return _answer_frame(
        request, frame_id, do_accept_frame, "Accepted. The sessions follow the agreed terms."
    )


@require_POST
def frame_decline(request: HttpRequest, frame_id: int) -> HttpResponse:
    return _answer_frame(
        request, frame_id, do_decline_frame, "Declined. The frame you agreed before stays."
    )


@require_POST
def frame_withdraw(request: HttpRequest, frame_id: int) -> HttpResponse:
    return _answer_frame(request, frame_id, do_withdraw_frame, "Your proposal is withdrawn.")
