"""The clinic's outcome history: each episode's course on an instrument, from its client's
answers. Expected trajectories are built from it, for the not-on-track alert
(``alerts.monitoring``) and for the expected band on the therapist's chart (``charts``), so the
band drawn is the band the alert compares with.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from alliance.core.monitoring.trajectory import Course
from alliance.measures.models import RespondentRole, Response


def course_of(scores: Sequence[tuple[int, float]]) -> Course | None:
    """A course from (session number, total) pairs in session order: the first is the intake,
    session indices count from it (1 = intake). Fewer than two scores: no course."""
    if len(scores) < 2:
        return None
    first = scores[0][0]
    return Course(intake=scores[0][1], scores={n - first + 1: total for n, total in scores})


def load_clinic_courses(clinic_id: int, instrument_id: str) -> dict[int, Course]:
    """The clinic's courses on ``instrument_id`` by episode id, in episode order: client answers
    by stored session number, from each episode's baseline, corrections applied; an episode
    needs two scores. One query."""
    rows = (
        Response.objects.filter(
            episode__clinic_id=clinic_id,
            instrument=instrument_id,
            respondent_role=RespondentRole.CLIENT,
            session_number__isnull=False,
            superseded_by__isnull=True,
        )
        .order_by("episode_id", "administered_at", "pk")
        .values_list(
            "episode_id", "session_number", "total", "administered_at", "episode__baseline_from"
        )
    )
    by_episode: dict[int, dict[int, float]] = {}
    for episode_id, number, total, at, since in rows:
        if number is not None and (since is None or timezone.localdate(at) >= since):
            by_episode.setdefault(episode_id, {})[number] = total
    courses = {pk: course_of(sorted(scores.items())) for pk, scores in by_episode.items()}
    return {pk: course for pk, course in courses.items() if course is not None}
