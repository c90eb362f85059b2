"""What the therapist's client page and the client's progress page show, worked out here so the
templates only lay it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.db.models import QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils import timezone

from alliance.accounts.models import User
from alliance.alerts.models import Alert, AlertKind, AlertState
from alliance.care.access import get_sessions_for_user
from alliance.care.models import Episode, FrameVersion, Session, SessionStatus
from alliance.care.queries import current_frame
from alliance.goals.summary import (
    RatedGoal,
    compute_goal_score,
    describe_t_score,
    load_agreed_goals,
)
from alliance.measures import charts, progress, registry
from alliance.measures.models import RespondentRole, Response

FIT_REVIEW_BUTTON: Final = "reviews/_request_button.html"
N_UPCOMING, N_RECENT = 3, 5

# What a client reads about an alert on their episode: kind words, never scores or rules.
CLIENT_ALERT_WORDS: Final[dict[str, str]] = {
    AlertKind.SAFETY: "Your therapist has been told about your answer and will follow up.",
    AlertKind.RUPTURE: "Your therapist has been asked to check in about how sessions are going.",
    AlertKind.OFF_TRACK: (
        "Your therapist has been asked to look at how things are going for you, so you can "
        "talk about it together."
    ),
    AlertKind.DROPOUT: (
        "Your therapist has been asked to check that the way you work together still suits you."
    ),
    AlertKind.FIT_REVIEW: (
        "It is time for a short review of how working together is going; your therapist will "
        "bring it up."
    ),
}
CLIENT_ALERT_OTHER: Final = "Your therapist has been asked to follow up on one of your answers."
LEVEL_SIGNS: Final = {-2: "−2", -1: "−1", 0: "0", 1: "+1", 2: "+2"}


@dataclass(frozen=True)
class GoalLine:
    title: str
    level: str  # "+1", or "" when not rated yet
    level_text: str
    rated_at: dt.datetime | None


@dataclass(frozen=True)
class Charts:
    alliance: charts.AllianceChart | None
    outcomes: tuple[charts.OutcomeChart, ...]
    others: list[progress.Series]


def goal_lines(agreed: Sequence[RatedGoal]) -> list[GoalLine]:
    lines = []
    for rated in agreed:
        latest = rated.latest
        if latest is None:
            lines.append(GoalLine(rated.goal.title, "", "", None))
            continue
        text = str(rated.goal.levels.get(str(latest.level), ""))
        lines.append(GoalLine(rated.goal.title, LEVEL_SIGNS[latest.level], text, latest.rated_at))
    return lines


def client_goal_lines(episode: Episode) -> list[GoalLine]:
    return goal_lines(load_agreed_goals(episode))


def build_charts(
    responses: QuerySet[Response], episode: Episode | None, *, for_therapist: bool
) -> Charts:
    """Alliance, outcome and other charts from ``responses`` (already access-checked).

    The baseline starts at ``episode.baseline_from``; for the client, whose responses span
    episodes, at the start of ``episode``. Therapists get the expected band too.
    """
    marks = charts.load_marks(responses)
    client_checkins = marks.get((charts.CHECKIN_CLIENT, RespondentRole.CLIENT), [])
    therapist_checkins = marks.get((charts.CHECKIN_THERAPIST, RespondentRole.THERAPIST), [])
    alliance = None
    if client_checkins or therapist_checkins:
        alliance = charts.build_alliance_chart(
            client_checkins, therapist_checkins if for_therapist else None
        )
    since = None
    if episode is not None:
        since = episode.baseline_from or (None if for_therapist else episode.started_on)
    outcomes = []
    for instrument_id in charts.OUTCOMES:
        scores = marks.get((instrument_id, RespondentRole.CLIENT))
        if not scores:
            continue
        history = None
        if for_therapist and episode is not None:
            history = charts.load_history(
                episode.clinic_id, instrument_id, exclude_episode=episode.pk
            )
        outcomes.append(
            charts.build_outcome_chart(
                registry.get_key(instrument_id),
                scores,
                since=since,
                history=history,
                dom_id=f"chart-data-{instrument_id}-client",
            )
        )
    others = progress.build_series(responses.exclude(instrument__in=charts.CHARTED))
    return Charts(alliance, tuple(outcomes), others)


def upcoming_and_recent(
    viewer: User, episode: Episode, now: dt.datetime
) -> tuple[list[Session], list[Session]]:
    sessions = get_sessions_for_user(viewer).filter(episode=episode)
    upcoming = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).order_by(
        "starts_at"
    )[:N_UPCOMING]
    recent = sessions.filter(starts_at__lte=now).order_by("-starts_at")[:N_RECENT]
    return list(upcoming), list(recent)


def frame_in_force(episode: Episode, now: dt.datetime) -> FrameVersion | None:
    return current_frame(episode, timezone.localdate(now))


def goals_summary(episode: Episode) -> dict[str, object]:
    agreed = load_agreed_goals(episode)
    score = compute_goal_score(agreed)
    return {
        "lines": goal_lines(agreed),
        "t_score": score.t_score,
        "t_score_text": describe_t_score(score.t_score) if score.t_score is not None else "",
        "n_unrated": len(score.unrated),
    }


def client_alert_sentences(client: User, episode: Episode | None) -> list[str]:
    """Kind sentences for the unresolved alerts on the client's current episode, one per kind."""
    if episode is None:
        return []
    kinds = (
        Alert.objects.filter(episode=episode, episode__client=client)
        .exclude(state=AlertState.RESOLVED)
        .order_by("priority", "kind")
        .values_list("kind", flat=True)
    )
    sentences: list[str] = []
    for kind in kinds:
        words = CLIENT_ALERT_WORDS.get(kind, CLIENT_ALERT_OTHER)
        if words not in sentences:
            sentences.append(words)
    return sentences


def fit_review_button_exists() -> bool:
    """Whether the reviews app offers its request button yet (it is being built)."""
    try:
        select_template([FIT_REVIEW_BUTTON])
    except TemplateDoesNotExist:
        return False
    return True
