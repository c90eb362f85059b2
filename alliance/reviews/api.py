"""Fit reviews and consent to share history over the API, through the same access helpers and
actions as the pages. Each side gets only its own answers; the therapist gets of the client's
side only what :func:`reviews.access.therapist_sees` allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from alliance.accounts.http import request_user
from alliance.accounts.models import User
from alliance.reviews import actions
from alliance.reviews.access import (
    get_current_review_for_user,
    get_review_episode_for_user,
    live_consent,
    previous_episode,
    therapist_sees,
)
from alliance.reviews.models import FitReview, HistoryConsent

router = Router(tags=["reviews"])


class FitReviewIn(Schema):
    going: int
    style: int
    goals: int
    choice: str | None = None
    adjust_what: str | None = None
    share_adjust: bool | None = None
    note: str | None = None


class ClientAnswersOut(Schema):
    going: int
    style: int
    goals: int
    choice: str
    adjust_what: str
    share_adjust: bool
    submitted_at: dt.datetime


class TherapistAnswersOut(Schema):
    going: int
    style: int
    goals: int
    note: str
    submitted_at: dt.datetime


class FitReviewOut(Schema):
    id: int
    episode_id: int
    due_reason: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    side: str
    client_completed: bool
    therapist_completed: bool
    outcome: str | None = None
    client_answers: ClientAnswersOut | None = None
    therapist_answers: TherapistAnswersOut | None = None
    shared_adjust: str | None = None
    rematch_notice: str | None = None


class HistoryConsentOut(Schema):
    id: int
    from_episode_id: int
    to_episode_id: int
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class HistoryStatusOut(Schema):
    episode_id: int
    from_episode_id: int | None
    shared: bool
    granted_at: dt.datetime | None


def _seen_by(viewer: User, review: FitReview) -> dict[str, Any]:
    side = review.episode.side_of(viewer)
    out: dict[str, Any] = {
        "id": review.pk,
        "episode_id": review.episode_id,
        "due_reason": review.due_reason,
        "opened_at": review.opened_at,
        "closed_at": review.closed_at,
        "side": side,
        "client_completed": review.client_completed,
        "therapist_completed": review.therapist_completed,
    }
    if side == "client":
        out["outcome"] = review.outcome
        if review.client_submitted_at is not None:
            out["client_answers"] = {
                "going": review.client_going,
                "style": review.client_style,
                "goals": review.client_goals,
                "choice": review.client_choice,
                "adjust_what": review.adjust_what,
                "share_adjust": review.share_adjust,
                "submitted_at": review.client_submitted_at,
            }
        return out
    sees = therapist_sees(review)
    out |= {"shared_adjust": sees.shared_adjust, "rematch_notice": sees.rematch_notice}
    if review.therapist_submitted_at is not None:
        out["therapist_answers"] = {
            "going": review.therapist_going,
            "style": review.therapist_style,
            "goals": review.therapist_goals,
            "note": review.therapist_note,
            "submitted_at": review.therapist_submitted_at,
        }
    return out


@router.get(
    "/episodes/{episode_id}/fit-review",
    response=FitReviewOut,
    url_name="get_fit_review",
    summary="The episode's current fit review: your own answers, never the other side's",
)
def get_fit_review(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    user = request_user(request)
    _episode, review = get_current_review_for_user(user, episode_id)
    return _seen_by(user, review)


@router.post(
    "/episodes/{episode_id}/fit-review",
    response=FitReviewOut,
    url_name="submit_fit_review",
    summary="Answer the fit review, once (the client also chooses what happens next)",
)
def submit_fit_review(
    request: HttpRequest, episode_id: int, payload: FitReviewIn
) -> dict[str, Any]:
    user = request_user(request)
    episode = get_review_episode_for_user(user, episode_id)
    answers = payload.model_dump(exclude_none=True)
    review = actions.do_submit_fit_review(user, episode=episode, answers=answers)
    return _seen_by(user, review)


@router.post(
    "/episodes/{episode_id}/fit-review/request",
    response=FitReviewOut,
    url_name="request_fit_review",
    summary="Ask for a fit review now (clients; returns the open one if there is one)",
)
def request_fit_review(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    user = request_user(request)
    episode = get_review_episode_for_user(user, episode_id)
    return _seen_by(user, actions.do_request_fit_review(user, episode=episode))


@router.get(
    "/episodes/{episode_id}/history-consent",
    response=HistoryStatusOut,
    url_name="get_history_consent",
    summary="Whether this episode's therapist may read the earlier episode's history",
)
def get_history_consent(request: HttpRequest, episode_id: int) -> dict[str, Any]:
    episode = get_review_episode_for_user(request_user(request), episode_id)
    earlier = previous_episode(episode)
    consent = live_consent(earlier, episode) if earlier is not None else None
    return {
        "episode_id": episode.pk,
        "from_episode_id": earlier.pk if earlier is not None else None,
        "shared": consent is not None,
        "granted_at": consent.granted_at if consent is not None else None,
    }


@router.post(
    "/episodes/{episode_id}/history-consent/grant",
    response={201: HistoryConsentOut},
    url_name="grant_history_consent",
    summary="Let this episode's therapist read the earlier episode's measures and goals",
)
def grant_history_consent(request: HttpRequest, episode_id: int) -> Status:
    user = request_user(request)
    episode = get_review_episode_for_user(user, episode_id)
    return Status(201, actions.do_grant_history_consent(user, episode=episode))


@router.post(
    "/episodes/{episode_id}/history-consent/revoke",
    response=HistoryConsentOut,
    url_name="revoke_history_consent",
    summary="Stop sharing the earlier episode's history (at any time)",
)
def revoke_history_consent(request: HttpRequest, episode_id: int) -> HistoryConsent:
    user = request_user(request)
    episode = get_review_episode_for_user(user, episode_id)
    return actions.do_revoke_history_consent(user, episode=episode)
