"""Permission-checked lookups for fit reviews, re-match requests and shared history.

A fit review belongs to its episode's client and therapist (clinic staff never read it), and
each of them sees only their own answers: :func:`therapist_sees` is all the therapist gets of
the client's side. The consented history is read-only and only while consent is live.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from alliance.accounts.models import User
from alliance.care.access import get_clinical_episode_for_user
from alliance.care.models import EndReason, Episode
from alliance.core.errors import NotFound
from alliance.matching.models import Intake
from alliance.reviews.models import Choice, FitReview, HistoryConsent

REMATCH_NOTICE = (
    "{first_name} has decided to look for a different fit. This happens, and it's not a "
    "judgement of your work."
)


def get_review_episode_for_user(viewer: User, episode_id: int) -> Episode:
    """An episode whose fit review the viewer may open: its client or its therapist."""
    return get_clinical_episode_for_user(viewer, episode_id)


def current_review(episode: Episode) -> FitReview | None:
    """The open review, else the latest one (None before the first)."""
    reviews = FitReview.objects.filter(episode=episode)
    return reviews.filter(closed_at__isnull=True).first() or reviews.first()


def get_current_review_for_user(viewer: User, episode_id: int) -> tuple[Episode, FitReview]:
    episode = get_review_episode_for_user(viewer, episode_id)
    review = current_review(episode)
    if review is None:
        raise NotFound("There is no fit review for this episode yet.", code="no_fit_review")
    return episode, review


@dataclass(frozen=True)
class TherapistSees:
    """What the therapist learns of the client's side of a review, and nothing more."""

    client_completed: bool
    shared_adjust: str
    rematch_notice: str


def therapist_sees(review: FitReview) -> TherapistSees:
    choice = review.client_choice
    shared = review.adjust_what if choice == Choice.ADJUST and review.share_adjust else ""
    notice = ""
    if choice == Choice.REMATCH:
        notice = REMATCH_NOTICE.format(first_name=review.episode.client.first_name)
    return TherapistSees(review.client_completed, shared, notice)


def get_rematches_for_user(viewer: User) -> QuerySet[Intake]:
    """Re-match searches of the staff member's clinic, oldest first (nobody else sees them)."""
    if not viewer.is_clinic_staff or viewer.clinic_id is None:
        return Intake.objects.none()
    return (
        Intake.objects.filter(clinic_id=viewer.clinic_id, rematch_from__isnull=False)
        .exclude(submitted_at__isnull=True)
        .select_related("client", "rematch_from__therapist")
        .order_by("submitted_at", "pk")
    )


def previous_episode(episode: Episode) -> Episode | None:
    """The episode the client left for this one through a re-match: their latest episode that
    ended by the time this one started, if it ended as a re-match."""
    before = (
        Episode.objects.filter(client_id=episode.client_id, ended_on__lte=episode.started_on)
        .exclude(pk=episode.pk)
        .select_related("therapist")
        .order_by("-ended_on", "-pk")
        .first()
    )
    return before if before is not None and before.end_reason == EndReason.REMATCH else None


def live_consent(from_episode: Episode, to_episode: Episode) -> HistoryConsent | None:
    return HistoryConsent.objects.filter(
        from_episode=from_episode, to_episode=to_episode, revoked_at__isnull=True
    ).first()


def consented_episode_ids(viewer: User, client: User | None = None) -> set[int]:
    """Earlier episodes whose measures and goals ``viewer`` may read because the client
    consented: the viewer treats the episode consent was given to, and it is not revoked.
    Optionally only ``client``'s. Read-only: nothing here lets the viewer change them."""
    if not viewer.is_authenticated or not viewer.is_therapist:
        return set()
    consents = HistoryConsent.objects.filter(to_episode__therapist=viewer, revoked_at__isnull=True)
    if client is not None:
        consents = consents.filter(client=client)
    return set(consents.values_list("from_episode_id", flat=True))
