from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alliance.accounts.access import require_role
from alliance.accounts.http import request_user
from alliance.accounts.models import Role, User
from alliance.care.models import Episode
from alliance.care.views.common import status_of
from alliance.core.errors import DomainError, InvalidInput
from alliance.goals.models import Goal
from alliance.measures import progress
from alliance.measures.access import get_current_responses, get_responses_for_user
from alliance.reviews import actions
from alliance.reviews.access import (
    consented_episode_ids,
    current_review,
    get_rematches_for_user,
    get_review_episode_for_user,
    live_consent,
    previous_episode,
    therapist_sees,
)
from alliance.reviews.forms import ClientReviewForm, TherapistReviewForm
from alliance.reviews.models import Choice, FitReview

INCOMPLETE = "Some answers are missing or not valid: see the questions marked below."
AFTER_CHOICE = {
    Choice.CONTINUE: "Thank you. You carry on together.",
    Choice.ADJUST: "Thank you. You carry on together; bring what you would change to your next "
    "session.",
}


# The fit review ---------------------------------------------------------------------------------


def fit_review(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The client's or the therapist's side of the episode's current fit review."""
    viewer = request_user(request)
    episode = get_review_episode_for_user(viewer, episode_id)
    side = episode.side_of(viewer)
    if request.method != "POST":
        return _page(request, episode, side, _blank_form(side))
    form = ClientReviewForm(request.POST) if side == "client" else TherapistReviewForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, side, form, status=400, error=INCOMPLETE)
    try:
        review = actions.do_submit_fit_review(viewer, episode=episode, answers=form.cleaned_data)
    except DomainError as exc:
        return _page(request, episode, side, form, status=status_of(exc), error=exc.detail)
    return _after_submit(request, episode, side, review)


def _blank_form(side: str) -> ClientReviewForm | TherapistReviewForm:
    return ClientReviewForm() if side == "client" else TherapistReviewForm()


def _after_submit(
    request: HttpRequest, episode: Episode, side: str, review: FitReview
) -> HttpResponse:
    if side == "therapist":
        messages.success(request, "Thank you. Your answers are saved; only you can read them.")
    elif review.client_choice == Choice.REMATCH:
        return redirect("matches")
    else:
        messages.success(request, AFTER_CHOICE[Choice(review.client_choice)])
    return redirect("fit-review", episode_id=episode.pk)


def _page(
    request: HttpRequest,
    episode: Episode,
    side: str,
    form: ClientReviewForm | TherapistReviewForm,
    *,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    review = current_review(episode)
    can_answer = review is not None and (
        (side == "client" and review.is_open and episode.is_open)
        or (side == "therapist" and not review.therapist_completed)
    )
    context: dict[str, Any] = {
        "episode": episode,
        "side": side,
        "review": review,
        "form": form if can_answer else None,
        "error": error,
        "can_request": side == "client" and episode.is_open and not (review and review.is_open),
        "n_held": actions.n_sessions_held(episode),
    }
    if side == "client" and review is not None and review.client_completed:
        context["rematch"] = episode.rematch_intakes.order_by("-pk").first()
    if side == "therapist" and review is not None:
        context["client_side"] = therapist_sees(review)
    return render(request, "reviews/fit_review.html", context, status=status)


@require_POST
def fit_review_request(request: HttpRequest, episode_id: int) -> HttpResponse:
    viewer = request_user(request)
    episode = get_review_episode_for_user(viewer, episode_id)
    try:
        actions.do_request_fit_review(viewer, episode=episode)
    except DomainError as exc:
        side = episode.side_of(viewer)
        return _page(
            request, episode, side, _blank_form(side), status=status_of(exc), error=exc.detail
        )
    return redirect("fit-review", episode_id=episode.pk)


# Consent to share the earlier history -----------------------------------------------------------


def history_consent(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The client decides whether this episode's therapist may read the earlier episode's
    measures and goals; the therapist reads them here while that is agreed."""
    viewer = request_user(request)
    episode = get_review_episode_for_user(viewer, episode_id)
    side, error, status = episode.side_of(viewer), "", 200
    if request.method == "POST":
        try:
            done = _consent_change(viewer, episode, request.POST.get("action", ""))
        except DomainError as exc:
            error, status = exc.detail, status_of(exc)
        else:
            messages.success(request, done)
            return redirect("history-consent", episode_id=episode.pk)
    earlier = previous_episode(episode)
    context: dict[str, Any] = {
        "episode": episode,
        "side": side,
        "earlier": earlier,
        "consent": live_consent(earlier, episode) if earlier else None,
        "error": error,
    }
    if side == "therapist" and earlier is not None:
        context |= _shared_history(viewer, episode, earlier)
    return render(request, "reviews/history_consent.html", context, status=status)


def _consent_change(viewer: User, episode: Episode, action: str) -> str:
    if action == "grant":
        actions.do_grant_history_consent(viewer, episode=episode)
        return f"{episode.therapist.first_name} can now see your earlier measures and goals."
    if action == "revoke":
        actions.do_revoke_history_consent(viewer, episode=episode)
        return f"{episode.therapist.first_name} can no longer see your earlier history."
    raise InvalidInput("Choose to share or to stop sharing.", code="consent_action")


def _shared_history(viewer: User, episode: Episode, earlier: Episode) -> dict[str, Any]:
    if earlier.pk not in consented_episode_ids(viewer, episode.client):
        return {"shared": False}
    responses = get_current_responses(get_responses_for_user(viewer).filter(episode=earlier))
    goals = Goal.objects.filter(episode=earlier).order_by("pk")
    return {"shared": True, "series": progress.build_series(responses), "goals": goals}


# Staff ------------------------------------------------------------------------------------------


def staff_rematches(request: HttpRequest) -> HttpResponse:
    """Re-match requests of the clinic: who, since when, and whether they have booked."""
    staff = request_user(request)
    require_role(staff, Role.STAFF)
    rows = get_rematches_for_user(staff)
    return render(request, "reviews/staff_rematches.html", {"rows": rows})
