"""Fit reviews, the re-match they may start, and consent to share history: every change atomic
and audited with ids and codes only (never a rating, a choice's text or a note)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.models import User
from alliance.audit.trail import record_event
from alliance.care.actions.episodes import do_confirm_continuing
from alliance.care.models import OPEN_STATES, Episode, EpisodeState, Session, SessionStatus
from alliance.core.errors import Conflict, InvalidInput, PermissionDenied
from alliance.core.monitoring import fit_review_due
from alliance.matching.actions import INTAKE_FIELDS
from alliance.matching.models import Intake, IntakeStatus
from alliance.reviews.access import current_review, live_consent, previous_episode
from alliance.reviews.models import (
    ADJUST_MAX_CHARS,
    NOTE_MAX_CHARS,
    RATING_MAX,
    RATING_MIN,
    Choice,
    DueReason,
    FitReview,
    HistoryConsent,
    Outcome,
)

RUNNING = (EpisodeState.TRIAL, EpisodeState.ACTIVE)
RATINGS = ("going", "style", "goals")
CLIENT_ONLY = ("choice", "adjust_what", "share_adjust")
OUTCOME_OF = {
    Choice.CONTINUE: Outcome.CONTINUED,
    Choice.ADJUST: Outcome.ADJUSTED,
    Choice.REMATCH: Outcome.REMATCH,
}


@dataclass(frozen=True)
class ClientAnswers:
    going: int
    style: int
    goals: int
    choice: Choice
    adjust_what: str
    share_adjust: bool


@dataclass(frozen=True)
class TherapistAnswers:
    going: int
    style: int
    goals: int
    note: str


# Opening ----------------------------------------------------------------------------------------


def n_sessions_held(episode: Episode) -> int:
    return Session.objects.filter(episode=episode, status=SessionStatus.HELD).count()


@transaction.atomic
def do_open_due_review(actor: User, *, episode: Episode, now: dt.datetime) -> FitReview | None:
    """Open the episode's first fit review once 3 sessions are held (Alliance's own rule), if it
    is running and has never had one; audited with ``actor`` (the therapist whose recorded
    session made it due, or the scheduler). Idempotent: returns the new review, else None."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state not in RUNNING:
        return None
    reviewed = FitReview.objects.filter(episode=episode).exists()
    n_held = n_sessions_held(episode)
    if not fit_review_due(n_held, reviewed):
        return None
    review = FitReview.objects.create(episode=episode, due_reason=DueReason.SESSIONS, opened_at=now)
    record_event(
        "reviews.fit_review.opened",
        actor=actor,
        obj=review,
        data={"episode": episode.pk, "due_reason": review.due_reason, "n_sessions_held": n_held},
    )
    return review


@transaction.atomic
def do_request_fit_review(
    actor: User, *, episode: Episode, now: dt.datetime | None = None
) -> FitReview:
    """The client asks for a fit review, at any time. Asking while one is open returns it."""
    now = now or timezone.now()
    if episode.side_of(actor) != "client":
        raise PermissionDenied("Only the client asks for a fit review.")
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state not in OPEN_STATES:
        raise Conflict("This work has ended.", code="episode_closed")
    open_review = FitReview.objects.filter(episode=episode, closed_at__isnull=True).first()
    if open_review is not None:
        return open_review
    review = FitReview.objects.create(
        episode=episode, due_reason=DueReason.CLIENT_REQUEST, opened_at=now
    )
    record_event(
        "reviews.fit_review.opened",
        actor=actor,
        obj=review,
        data={"episode": episode.pk, "due_reason": review.due_reason},
    )
    return review


# Answering --------------------------------------------------------------------------------------


def _rating(raw: Mapping[str, Any], key: str) -> int:
    value = raw.get(key)
    if value is None or value == "":
        raise InvalidInput("Answer all three questions.", code="rating_missing")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidInput("A rating is a whole number from 0 to 4.", code="rating_invalid")
    try:
        number = int(value)
    except ValueError:
        raise InvalidInput(
            "A rating is a whole number from 0 to 4.", code="rating_invalid"
        ) from None
    if not RATING_MIN <= number <= RATING_MAX:
        raise InvalidInput(
            "Ratings go from 0 (not at all) to 4 (completely).", code="rating_out_of_range"
        )
    return number


def parse_client_answers(raw: Mapping[str, Any]) -> ClientAnswers:
    if raw.get("note"):
        raise InvalidInput("The note is for the therapist's side.", code="therapist_only")
    going, style, goals = (_rating(raw, key) for key in RATINGS)
    choice = raw.get("choice")
    if choice not in Choice.values:
        raise InvalidInput(
            "Choose what happens next: carry on, carry on with a change, or look for a "
            "different fit.",
            code="unknown_choice",
        )
    text = str(raw.get("adjust_what") or "").strip()
    if len(text) > ADJUST_MAX_CHARS:
        raise InvalidInput(
            f"Keep what you would change to {ADJUST_MAX_CHARS} characters.", code="too_long"
        )
    if choice != Choice.ADJUST:
        text = ""
    share = bool(raw.get("share_adjust")) and bool(text)
    return ClientAnswers(going, style, goals, Choice(choice), text, share)


def parse_therapist_answers(raw: Mapping[str, Any]) -> TherapistAnswers:
    if any(raw.get(key) for key in CLIENT_ONLY):
        raise InvalidInput("Only the client chooses what happens next.", code="client_only")
    going, style, goals = (_rating(raw, key) for key in RATINGS)
    note = str(raw.get("note") or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"Keep the note to {NOTE_MAX_CHARS} characters.", code="too_long")
    return TherapistAnswers(going, style, goals, note)


@transaction.atomic
def do_submit_fit_review(
    actor: User, *, episode: Episode, answers: Mapping[str, Any], now: dt.datetime | None = None
) -> FitReview:
    """Either side answers the episode's current review, once. The client's answers close it
    and their choice decides what happens next; the therapist's are their own reflection."""
    now = now or timezone.now()
    side = episode.side_of(actor)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    found = current_review(episode)
    if found is None:
        raise Conflict("There is no fit review to answer yet.", code="no_open_review")
    review = FitReview.objects.select_for_update().select_related("episode").get(pk=found.pk)
    if side == "client":
        return _client_submits(actor, episode, review, parse_client_answers(answers), now)
    return _therapist_submits(actor, review, parse_therapist_answers(answers), now)


def _client_submits(
    actor: User, episode: Episode, review: FitReview, answers: ClientAnswers, now: dt.datetime
) -> FitReview:
    if review.client_completed:
        raise Conflict("You have already answered this fit review.", code="already_submitted")
    if episode.state not in OPEN_STATES:
        raise Conflict("This work has ended.", code="episode_closed")
    review.client_going, review.client_style, review.client_goals = (
        answers.going,
        answers.style,
        answers.goals,
    )
    review.client_choice = answers.choice
    review.adjust_what, review.share_adjust = answers.adjust_what, answers.share_adjust
    review.client_submitted_at = review.closed_at = now
    review.outcome = OUTCOME_OF[answers.choice]
    review.save()
    record_event(
        "reviews.fit_review.client_submitted",
        actor=actor,
        obj=review,
        data={"choice": answers.choice.value, "shared": answers.share_adjust},
    )
    if answers.choice == Choice.REMATCH:
        _start_rematch(actor, episode, now)
        return review
    _stop_rematch(actor, episode, now)
    if answers.choice == Choice.CONTINUE and episode.state == EpisodeState.TRIAL:
        do_confirm_continuing(actor, episode=episode)
    return review


def _therapist_submits(
    actor: User, review: FitReview, answers: TherapistAnswers, now: dt.datetime
) -> FitReview:
    if review.therapist_completed:
        raise Conflict("You have already answered this fit review.", code="already_submitted")
    review.therapist_going, review.therapist_style, review.therapist_goals = (
        answers.going,
        answers.style,
        answers.goals,
    )
    review.therapist_note, review.therapist_submitted_at = answers.note, now
    review.save()
    record_event(
        "reviews.fit_review.therapist_submitted",
        actor=actor,
        obj=review,
        data={"with_note": bool(answers.note)},
    )
    return review


# Re-matching ------------------------------------------------------------------------------------


def _start_rematch(actor: User, episode: Episode, now: dt.datetime) -> Intake:
    """A new search, submitted at once, pre-filled from the client's last intake (or their
    profile) and never proposing the therapist they are leaving. The episode is unchanged
    until the client books a first session with someone new (matching.actions)."""
    client = episode.client
    open_intakes = Intake.objects.select_for_update().filter(
        client=client, status__in=[IntakeStatus.DRAFT, IntakeStatus.SUBMITTED]
    )
    same = open_intakes.filter(rematch_from=episode, status=IntakeStatus.SUBMITTED).first()
    if same is not None:
        return same
    previous = Intake.objects.filter(client=client).order_by("-created_at", "-pk").first()
    n_withdrawn = open_intakes.update(status=IntakeStatus.WITHDRAWN, updated_at=now)
    intake = Intake(
        client=client,
        clinic_id=episode.clinic_id,
        status=IntakeStatus.SUBMITTED,
        rematch_from=episode,
        submitted_at=now,
        created_at=now,
        updated_at=now,
        **_prefill(previous, client),
    )
    try:
        with transaction.atomic():
            intake.save()
    except IntegrityError:
        raise Conflict(
            "Your search was just changed from elsewhere; reload the page.",
            code="intake_conflict",
        ) from None
    excluded = {episode.therapist_id}
    if previous is not None:
        excluded |= set(previous.exclude.values_list("pk", flat=True))
    intake.exclude.set(sorted(excluded))
    record_event(
        "reviews.rematch.started",
        actor=actor,
        obj=intake,
        data={"from_episode": episode.pk, "n_intakes_withdrawn": n_withdrawn},
    )
    return intake


def _stop_rematch(actor: User, episode: Episode, now: dt.datetime) -> None:
    """Carrying on after all (a later review): an earlier re-match search from this episode
    is withdrawn, so booking with someone else no longer moves the client."""
    searches = Intake.objects.filter(rematch_from=episode, status=IntakeStatus.SUBMITTED)
    for intake in searches.select_for_update():
        Intake.objects.filter(pk=intake.pk).update(status=IntakeStatus.WITHDRAWN, updated_at=now)
        record_event("reviews.rematch.withdrawn", actor=actor, obj=intake)


def _prefill(previous: Intake | None, client: User) -> dict[str, Any]:
    if previous is not None:  # the previous search, copied into the re-match search
        return {key: getattr(previous, key) for key in INTAKE_FIELDS}
    profile = getattr(client, "client_profile", None)
    if profile is None:
        return {}
    return {
        "concerns": profile.concerns,
        "languages": profile.languages,
        "format": profile.format_preference,
        "city": profile.city,
        "max_fee": profile.max_fee or 0,
        "times": [
            {"weekday": w["weekday"], "from": w["start"], "to": w["end"]}
            for w in profile.available_times
        ],
        "styles": profile.preferred_styles,
        "professions": profile.preferred_professions,
        "therapist_gender": profile.therapist_gender_preference,
    }


# Consent to share the earlier episode's history -------------------------------------------------


def _consenting_client(actor: User, episode: Episode) -> Episode:
    if episode.side_of(actor) != "client":
        raise PermissionDenied("Only the client decides who sees their history.")
    earlier = previous_episode(episode)
    if earlier is None:
        raise Conflict("There is no earlier therapy to share.", code="no_earlier_episode")
    return earlier


@transaction.atomic
def do_grant_history_consent(
    actor: User, *, episode: Episode, now: dt.datetime | None = None
) -> HistoryConsent:
    """The client lets this episode's therapist read the measures and goals of the episode
    they re-matched from (read-only; never its fit reviews or private notes)."""
    now = now or timezone.now()
    earlier = _consenting_client(actor, episode)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.state not in OPEN_STATES:
        raise Conflict("This work has ended.", code="episode_closed")
    if live_consent(earlier, episode) is not None:
        raise Conflict("You have already agreed to share it.", code="already_granted")
    consent = HistoryConsent.objects.create(
        client=actor, from_episode=earlier, to_episode=episode, granted_at=now
    )
    record_event(
        "reviews.history.granted",
        actor=actor,
        obj=consent,
        data={"from_episode": earlier.pk, "to_episode": episode.pk},
    )
    return consent


@transaction.atomic
def do_revoke_history_consent(
    actor: User, *, episode: Episode, now: dt.datetime | None = None
) -> HistoryConsent:
    """The client takes the consent back, at any time: from now on the therapist cannot read
    the earlier history (what they already read cannot be unseen)."""
    now = now or timezone.now()
    earlier = _consenting_client(actor, episode)
    consent = (
        HistoryConsent.objects.select_for_update()
        .filter(from_episode=earlier, to_episode=episode, revoked_at__isnull=True)
        .first()
    )
    if consent is None:
        raise Conflict("You are not sharing it.", code="not_granted")
    consent.revoked_at = now
    consent.save(update_fields=["revoked_at"])
    record_event(
        "reviews.history.revoked",
        actor=actor,
        obj=consent,
        data={"from_episode": earlier.pk, "to_episode": episode.pk},
    )
    return consent
