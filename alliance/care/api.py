"""Episodes, frame versions and sessions over the API, through the same access helpers and
actions as the pages. Times are ISO 8601 with an offset; stored and returned in UTC."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.accounts.http import request_user
from alliance.accounts.models import User
from alliance.care.access import get_clinical_episode_for_user, get_episodes_for_user
from alliance.care.actions.episodes import do_pause_episode, do_resume_episode
from alliance.care.actions.frames import (
    do_accept_frame,
    do_decline_frame,
    do_propose_frame,
    do_withdraw_frame,
)
from alliance.care.actions.sessions import do_cancel_session, do_move_session, do_record_outcome
from alliance.care.models import Episode, FrameVersion, Session
from alliance.core.errors import NotFound

router = Router(tags=["care"])


class EpisodeOut(Schema):
    id: int
    client_id: int
    therapist_id: int
    state: str
    end_reason: str
    started_on: dt.date
    ended_on: dt.date | None
    baseline_from: dt.date | None


class FrameIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start_time: dt.time
    time_zone: str = Field(max_length=64)
    minutes: int
    format: str = Field(description="online or in_person")
    location: str = ""
    fee: int
    cancellation_hours: int = 24
    contact_rule: str = "logistics"
    style: str
    ending_goal_level: int = 0
    ending_stable_weeks: int = 4
    effective_from: dt.date
    note: str = ""


class FrameOut(Schema):
    id: int
    episode_id: int
    number: int
    state: str
    weekday: int
    start_time: dt.time
    time_zone: str
    minutes: int
    format: str
    location: str
    fee: int
    cancellation_hours: int
    contact_rule: str
    style: str
    ending_goal_level: int
    ending_stable_weeks: int
    effective_from: dt.date
    note: str
    proposed_by_id: int | None
    proposed_at: dt.datetime
    client_accepted_at: dt.datetime | None
    therapist_accepted_at: dt.datetime | None


class SessionOut(Schema):
    id: int
    episode_id: int
    kind: str
    series_date: dt.date | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    moved_from: dt.datetime | None
    status: str
    notice: str
    cancelled_by_id: int | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    overrun: int


class MoveIn(Schema):
    starts_at: dt.datetime


class CancelIn(Schema):
    reason: str = Field(default="", max_length=200)


class OutcomeIn(Schema):
    outcome: str = Field(description="held or no_show")
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None


class ResumeIn(Schema):
    starts_on: dt.date | None = None


def _frame(viewer: User, frame_id: int) -> FrameVersion:
    frame = FrameVersion.objects.filter(pk=frame_id).select_related("episode").first()
    if frame is None:
        raise NotFound("No such frame version.")
    get_clinical_episode_for_user(viewer, frame.episode_id)
    return frame


def _session(viewer: User, session_id: int) -> Session:
    session = (
        Session.objects.filter(Q(client=viewer) | Q(therapist=viewer), pk=session_id)
        .select_related("episode", "frame")
        .first()
    )
    if session is None:
        raise NotFound("No such session.")
    return session


@router.get("/episodes", response=list[EpisodeOut], summary="Episodes you may see")
def list_episodes(request: HttpRequest, state: str | None = None) -> QuerySet[Episode]:
    episodes = get_episodes_for_user(request_user(request))
    return episodes.filter(state=state) if state else episodes


@router.get("/episodes/{episode_id}", response=EpisodeOut, summary="One episode")
def get_episode(request: HttpRequest, episode_id: int) -> Episode:
    return get_clinical_episode_for_user(request_user(request), episode_id)


@router.post("/episodes/{episode_id}/pause", response=EpisodeOut, summary="Pause an episode")
def pause_episode(request: HttpRequest, episode_id: int) -> Episode:
    viewer = request_user(request)
    return do_pause_episode(viewer, episode=get_clinical_episode_for_user(viewer, episode_id))


@router.post(
    "/episodes/{episode_id}/resume",
    response=FrameOut | None,
    summary="Resume a paused episode; returns the re-proposed frame",
)
def resume_episode(request: HttpRequest, episode_id: int, payload: ResumeIn) -> FrameVersion | None:
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    return do_resume_episode(viewer, episode=episode, starts_on=payload.starts_on)


@router.get("/episodes/{episode_id}/frames", response=list[FrameOut], summary="Frame versions")
def list_frames(request: HttpRequest, episode_id: int) -> QuerySet[FrameVersion]:
    episode = get_clinical_episode_for_user(request_user(request), episode_id)
    return episode.frames.order_by("number")


@router.post(
    "/episodes/{episode_id}/frames",
    response={201: FrameOut},
    summary="Propose a new version of the frame",
)
def propose_frame(request: HttpRequest, episode_id: int, payload: FrameIn) -> Status:
    viewer = request_user(request)
    episode = get_clinical_episode_for_user(viewer, episode_id)
    frame = do_propose_frame(viewer, episode=episode, terms=payload.dict())
    return Status(201, frame)


@router.post("/frames/{frame_id}/accept", response=FrameOut, summary="Accept a proposal")
def accept_frame(request: HttpRequest, frame_id: int) -> FrameVersion:
    viewer = request_user(request)
    return do_accept_frame(viewer, frame=_frame(viewer, frame_id))


@router.post("/frames/{frame_id}/decline", response=FrameOut, summary="Decline a proposal")
def decline_frame(request: HttpRequest, frame_id: int) -> FrameVersion:
    viewer = request_user(request)
    return do_decline_frame(viewer, frame=_frame(viewer, frame_id))


@router.post("/frames/{frame_id}/withdraw", response=FrameOut, summary="Withdraw your proposal")
def withdraw_frame(request: HttpRequest, frame_id: int) -> FrameVersion:
    viewer = request_user(request)
    return do_withdraw_frame(viewer, frame=_frame(viewer, frame_id))


@router.get(
    "/episodes/{episode_id}/sessions",
    response=list[SessionOut],
    summary="Sessions of an episode (the weekly series is planned 8 weeks ahead)",
)
def list_sessions(request: HttpRequest, episode_id: int) -> list[Session]:
    episode = get_clinical_episode_for_user(request_user(request), episode_id)
    return list(episode.sessions.order_by("starts_at"))


@router.post("/sessions/{session_id}/move", response=SessionOut, summary="Move one session")
def move_session(request: HttpRequest, session_id: int, payload: MoveIn) -> Session:
    viewer = request_user(request)
    return do_move_session(
        viewer, session=_session(viewer, session_id), starts_at=payload.starts_at
    )


@router.post("/sessions/{session_id}/cancel", response=SessionOut, summary="Cancel one session")
def cancel_session(request: HttpRequest, session_id: int, payload: CancelIn) -> Session:
    viewer = request_user(request)
    return do_cancel_session(viewer, session=_session(viewer, session_id), reason=payload.reason)


@router.post(
    "/sessions/{session_id}/outcome", response=SessionOut, summary="Record how a session went"
)
def record_outcome(request: HttpRequest, session_id: int, payload: OutcomeIn) -> Session:
    viewer = request_user(request)
    fields: dict[str, Any] = payload.dict()
    return do_record_outcome(viewer, session=_session(viewer, session_id), **fields)
