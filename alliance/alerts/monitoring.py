"""Monitoring an episode: build the core rules' inputs from the database, raise what fires.

:func:`evaluate_episode` runs once after every monitored submission (a whole check-in) and every
session outcome or cancellation — the hooks ``measures.responses_stored`` and
``care.session_changed`` (alerts.receivers) — inside that change's own transaction, so an alert
and its cause are stored together or not at all. The rules are the pure, tested functions in
``core.monitoring``; errors they raise are not swallowed. Four queries in the common case
(responses, sessions, alerts of the episode, the clinic), plus the clinic's dropout model once
the episode has reached the prediction point, plus the clinic's history per instrument when it
is not cached.

Not raising twice: an alert's ``cause`` is unique; while a rupture, off-track (same instrument)
or dropout alert of the episode is unresolved, no new one of that rule is raised: its therapist
is already working on it. An alert is raised only while the episode is open; a dropout alert
only while it is running (trial or active: a pause is agreed, not a dropout).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from django.core.cache import cache
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone

from alliance.accounts.models import Clinic, User
from alliance.alerts.actions import do_raise_alerts
from alliance.alerts.dropout import (
    CHECKIN,
    PRIMARY_OUTCOME,
    Scored,
    SessionFact,
    compute_dropout_features,
    features_by_name,
    latest_dropout_model,
    load_session_facts,
    primary_rci,
)
from alliance.alerts.models import UNRESOLVED, Alert, AlertKind, AlertState, Priority
from alliance.care.models import Episode, EpisodeState, Notice, Session, SessionStatus
from alliance.core.measures.definitions import Direction
from alliance.core.monitoring import (
    FIT_REVIEW_SESSIONS,
    GAD7_STRATA,
    PHQ9_STRATA,
    Attendance,
    AttendanceOutcome,
    CheckIn,
    Course,
    DropoutRisk,
    ExpectedTrajectory,
    FitReviewStatus,
    Level,
    RuptureAssessment,
    TrackAssessment,
    assess_rupture,
    assess_track,
    expected_trajectory,
    fit_review_status,
    predict_dropout,
)
from alliance.core.monitoring.rupture import DEFAULT_RULES, SIGNAL_FAMILIES, SignalFamily
from alliance.measures import registry
from alliance.measures.history import course_of, load_clinic_courses
from alliance.measures.models import RespondentRole, Response

CHECKIN_THERAPIST: Final = "alliance-checkin-therapist"
# Instrument id → (name in sentences, severity strata: Kroenke, Spitzer & Williams 2001,
# Table 2 for PHQ-9; Spitzer et al. 2006 for GAD-7).
TRACKED: Final = {"phq-9": ("PHQ-9", PHQ9_STRATA), "gad-7": ("GAD-7", GAD7_STRATA)}
MONITORED: Final = frozenset({CHECKIN, CHECKIN_THERAPIST, *TRACKED})
# The clinic's history changes by a few courses a day among hundreds; ten minutes stale is
# immaterial to a 10th-90th percentile band, and spares a large query on every submission.
HISTORY_SECONDS: Final = 600
DESIGN_NOTE: Final = "Alliance's own rule, not a published standard (docs/alerts.md)."


@dataclass(frozen=True)
class EpisodeMonitoring:
    """Everything the rules concluded for one episode, raised or not ("watch" is display-only).

    ``tracks``/``trajectories`` are keyed by instrument id and hold only instruments with a
    score after the intake; ``dropout`` is ``None`` before the prediction point or without a
    fitted model; ``raised`` are the alerts this evaluation stored.
    """

    rupture: RuptureAssessment
    tracks: Mapping[str, TrackAssessment]
    trajectories: Mapping[str, ExpectedTrajectory]
    dropout: DropoutRisk | None
    fit_review: FitReviewStatus
    raised: tuple[Alert, ...]


@dataclass(frozen=True)
class _Row:
    pk: int
    instrument: str
    role: str
    session_number: int
    total: float
    has_comment: bool
    administered_at: dt.datetime


@dataclass
class _Facts:
    rows: list[_Row]
    sessions: list[SessionFact]
    n_held: int
    alerts: list[tuple[str, str, str]]  # (rule, cause, state)
    candidates: list[Alert] = field(default_factory=list)


def evaluate_episode(
    episode: Episode, *, now: dt.datetime, actor: User | None = None, audit: bool = True
) -> EpisodeMonitoring:
    """Assess rupture, not-on-track (PHQ-9, GAD-7), dropout risk and the fit review as of
    ``now`` and raise the alerts that fire, audited with ``actor`` (whose change set them off;
    the scheduler for a scheduled run). Call it inside the transaction that changed the
    episode's responses or sessions. With ``audit=False`` the caller appends the raised alerts'
    events itself (``alerts.actions.raised_events``), with its own action's."""
    facts = _load(episode)
    rupture = _rupture(episode, facts)
    tracks, trajectories = _tracks(episode, facts)
    dropout = _dropout(episode, facts, now)
    fit_review = _fit_review(episode, facts)
    raised: list[Alert] = []
    if episode.is_open:
        new = [alert for alert in facts.candidates if not _already_raised(alert, facts)]
        for alert in new:
            alert.created_at = now
        raised = do_raise_alerts(actor, alerts=new, audit=audit)
    return EpisodeMonitoring(rupture, tracks, trajectories, dropout, fit_review, tuple(raised))


def _already_raised(alert: Alert, facts: _Facts) -> bool:
    """Same cause, or an unresolved alert of the same rule that its therapist is working on."""
    return any(
        cause == alert.cause or (rule == alert.rule and state in UNRESOLVED)
        for rule, cause, state in facts.alerts
    )


# --- loading --------------------------------------------------------------------------------


_HAS_COMMENT: Final = Case(
    When(comment="", then=Value(False)), default=Value(True), output_field=BooleanField()
)


def _load(episode: Episode) -> _Facts:
    responses = (
        Response.objects.filter(
            episode=episode,
            instrument__in=MONITORED,
            session_number__isnull=False,
            superseded_by__isnull=True,
        )
        # Whether the client wrote a comment, never what: free text stays out of monitoring.
        .annotate(has_comment=_HAS_COMMENT)
        .order_by("administered_at", "pk")
        .values_list(
            "pk",
            "instrument",
            "respondent_role",
            "session_number",
            "total",
            "has_comment",
            "administered_at",
        )
    )
    rows = [
        _Row(pk, instrument, role, number, total, bool(comment), at)
        for pk, instrument, role, number, total, comment, at in responses
        if number is not None  # filtered out above; narrows the type
    ]
    all_sessions = load_session_facts(Session.objects.filter(episode=episode)).get(episode.pk, [])
    n_held = sum(s.status == SessionStatus.HELD for s in all_sessions)
    alerts = list(
        Alert.objects.filter(episode=episode)
        .exclude(kind=AlertKind.SAFETY)
        .values_list("rule", "cause", "state")
    )
    since = episode.baseline_from
    if since is not None:
        rows = [r for r in rows if timezone.localdate(r.administered_at) >= since]
        all_sessions = [s for s in all_sessions if timezone.localdate(s.starts_at) >= since]
    return _Facts(rows, all_sessions, n_held, alerts)


def _latest_by_session(rows: Sequence[_Row], instrument: str, role: str) -> dict[int, _Row]:
    """The latest response per session number (rows come in time order)."""
    latest: dict[int, _Row] = {}
    for row in rows:
        if row.instrument == instrument and row.role == role:
            latest[row.session_number] = row
    return latest


# --- rupture --------------------------------------------------------------------------------


def _rupture(episode: Episode, facts: _Facts) -> RuptureAssessment:
    client = _latest_by_session(facts.rows, CHECKIN, RespondentRole.CLIENT)
    therapist = _latest_by_session(facts.rows, CHECKIN_THERAPIST, RespondentRole.THERAPIST)
    checkins = [
        CheckIn(
            session_number=number,
            client_total=client[number].total if number in client else None,
            therapist_total=therapist[number].total if number in therapist else None,
            comment=number in client and client[number].has_comment,
        )
        for number in sorted(set(client) | set(therapist))
    ]
    attendance = _attendance(facts.sessions)
    assessment = assess_rupture(checkins, attendance)
    if assessment.level is Level.ALERT:
        latest = checkins[-1].session_number if checkins else None
        facts.candidates.append(
            _rupture_alert(episode, assessment, checkins, attendance, latest, client)
        )
    return assessment


LATE_CANCEL: Final = AttendanceOutcome.LATE_CANCEL


def _attendance(sessions: Sequence[SessionFact]) -> list[Attendance]:
    """Decided sessions in time order, numbered from 1. A cancellation by the therapist says
    nothing about the client's engagement, so it is left out."""
    outcomes = []
    for fact in sessions:
        if fact.status == SessionStatus.HELD:
            outcomes.append(AttendanceOutcome.HELD)
        elif fact.status == SessionStatus.NO_SHOW:
            outcomes.append(AttendanceOutcome.NO_SHOW)
        elif fact.status == SessionStatus.CANCELLED and not fact.by_therapist:
            late = fact.notice == Notice.LATE
            outcomes.append(LATE_CANCEL if late else AttendanceOutcome.EARLY_CANCEL)
    return [Attendance(number, outcome.value) for number, outcome in enumerate(outcomes, 1)]


def _rupture_alert(
    episode: Episode,
    assessment: RuptureAssessment,
    checkins: Sequence[CheckIn],
    attendance: Sequence[Attendance],
    latest: int | None,
    client: Mapping[int, _Row],
) -> Alert:
    from_scores = any(
        SIGNAL_FAMILIES[s.code] is SignalFamily.ALLIANCE_SCORE for s in assessment.signals
    )
    if from_scores and latest is not None:
        cause = f"rupture:{episode.pk}:{latest}"
    else:
        cause = f"rupture:{episode.pk}:attendance:{len(attendance)}"
    window = list(attendance)[-DEFAULT_RULES.attendance_window :]
    explanation = {
        "rule": "rupture",
        "level": assessment.level.value,
        "design": DESIGN_NOTE,
        "session_number": latest,
        "checkins": [
            {
                "session": c.session_number,
                "client": c.client_total,
                "therapist": c.therapist_total,
                "comment": c.comment,
            }
            for c in checkins
        ],
        "attendance": [{"session": a.session_number, "outcome": a.outcome} for a in window],
        "signals": [
            {"code": s.code.value, "level": s.level.value, "text": s.text}
            for s in assessment.signals
        ],
    }
    row = client.get(latest) if from_scores and latest is not None else None
    return _alert(episode, AlertKind.RUPTURE, Priority.HIGH, "rupture", cause, explanation, row)


# --- not on track ---------------------------------------------------------------------------


def _tracks(
    episode: Episode, facts: _Facts
) -> tuple[dict[str, TrackAssessment], dict[str, ExpectedTrajectory]]:
    tracks: dict[str, TrackAssessment] = {}
    trajectories: dict[str, ExpectedTrajectory] = {}
    for instrument_id, (label, strata) in TRACKED.items():
        latest = _latest_by_session(facts.rows, instrument_id, RespondentRole.CLIENT)
        course = course_of([(n, row.total) for n, row in sorted(latest.items())])
        if course is None:
            continue
        instrument = registry.get_key(instrument_id)
        assert instrument.reliable_change is not None
        # Totals are whole numbers and the core flags strictly beyond the band: rci = points
        # - 0.5 flags a change of ``points`` or more, as the published "at least" threshold.
        rci = instrument.reliable_change.points - 0.5
        history = _clinic_courses(episode.clinic, instrument_id)
        trajectory = expected_trajectory(
            label,
            course.intake,
            [c for pk, c in history.items() if pk != episode.pk],
            lower_is_better=instrument.total.direction is Direction.HIGHER_IS_WORSE,
            strata=strata,
            rci=rci,
        )
        index = max(course.scores)
        track = assess_track(trajectory, index, course.scores[index])
        tracks[instrument_id], trajectories[instrument_id] = track, trajectory
        if not track.on_track:
            row = latest[max(latest)]
            facts.candidates.append(
                _off_track_alert(episode, instrument_id, trajectory, track, row, rci, min(latest))
            )
    return tracks, trajectories


def _clinic_courses(clinic: Clinic, instrument: str) -> dict[int, Course]:
    """The clinic's courses on ``instrument`` by episode id, cached for :data:`HISTORY_SECONDS`.

    Keyed by the clinic's creation time too, so a re-used id never returns another clinic's
    history (test databases re-use ids).
    """
    key = f"alerts:history:{clinic.pk}:{clinic.created_at.isoformat()}:{instrument}"
    courses: dict[int, Course] | None = cache.get(key)
    if courses is None:
        courses = load_clinic_courses(clinic.pk, instrument)
        cache.set(key, courses, HISTORY_SECONDS)
    return courses


def _off_track_alert(
    episode: Episode,
    instrument: str,
    trajectory: ExpectedTrajectory,
    track: TrackAssessment,
    row: _Row,
    rci: float,
    intake_session: int,
) -> Alert:
    band = track.band
    assert band is not None  # off track means there was a band to be beyond
    explanation = {
        "rule": f"off_track:{instrument}",
        "instrument": instrument,
        "label": trajectory.instrument,
        "intake": trajectory.intake,
        "intake_session": intake_session,
        "score": track.score,
        "session_number": row.session_number,
        "session_index": track.session,
        "band": {
            "session": band.session,
            "low": round(band.low, 2),
            "median": round(band.median, 2),
            "high": round(band.high, 2),
            "n": band.n,
        },
        "stratum": trajectory.stratum,
        "source": trajectory.source,
        "fallback": trajectory.is_fallback,
        "rci": rci,
        "text": track.text,
    }
    cause = f"off_track:{episode.pk}:{instrument}:{row.session_number}"
    rule = f"off_track:{instrument}"
    return _alert(episode, AlertKind.OFF_TRACK, Priority.HIGH, rule, cause, explanation, row)


# --- dropout and the fit review -------------------------------------------------------------


def _dropout(episode: Episode, facts: _Facts, now: dt.datetime) -> DropoutRisk | None:
    if episode.state not in (EpisodeState.TRIAL, EpisodeState.ACTIVE):
        return None
    checkins = _latest_by_session(facts.rows, CHECKIN, RespondentRole.CLIENT)
    outcomes = _latest_by_session(facts.rows, PRIMARY_OUTCOME, RespondentRole.CLIENT)
    features = compute_dropout_features(
        sessions=facts.sessions,
        checkins=[Scored(n, r.total, r.administered_at) for n, r in sorted(checkins.items())],
        outcomes=[Scored(n, r.total, r.administered_at) for n, r in sorted(outcomes.items())],
        as_of=now,
        rci=primary_rci(),
    )
    if features is None:
        return None
    loaded = latest_dropout_model(episode.clinic_id)
    if loaded is None:
        return None
    fit, model = loaded
    risk = predict_dropout(model, features)
    if risk.level == "high":
        year, week, _ = timezone.localdate(now).isocalendar()
        explanation = {
            "rule": "dropout",
            "level": risk.level,
            "probability": round(risk.probability, 4),
            "base_rate": round(model.base_rate, 4),
            "features": features_by_name(features),
            "reasons": [{"feature": r.feature, "text": r.text} for r in risk.reasons],
            "model_fit": fit.pk,
            "auc": fit.validation.get("auc"),
            "n_test": fit.validation.get("n_test"),
            "week": f"{year}-W{week:02d}",
        }
        cause = f"dropout:{episode.pk}:{year}-W{week:02d}"
        facts.candidates.append(
            _alert(episode, AlertKind.DROPOUT, Priority.NORMAL, "dropout", cause, explanation)
        )
    return risk


def _fit_review(episode: Episode, facts: _Facts) -> FitReviewStatus:
    # A resolved fit-review alert, or a fit review opened (or done) for this episode, means the
    # review is in hand (the second is asked only when the review would be due).
    from alliance.reviews.models import FitReview

    reviewed = any(
        rule == "fit_review" and state == AlertState.RESOLVED for rule, _, state in facts.alerts
    )
    status = fit_review_status(facts.n_held, reviewed)
    if status == FitReviewStatus.DUE and FitReview.objects.filter(episode_id=episode.pk).exists():
        status = fit_review_status(facts.n_held, True)
    # Raised at sessions 3-4 only: an episode that was already further along when monitoring
    # started is not flooded with "overdue" reviews (the status still says overdue).
    if status == FitReviewStatus.DUE:
        explanation = {
            "rule": "fit_review",
            "status": status.value,
            "sessions_held": facts.n_held,
            "review_after": list(FIT_REVIEW_SESSIONS),
        }
        cause = f"fit_review:{episode.pk}"
        facts.candidates.append(
            _alert(episode, AlertKind.FIT_REVIEW, Priority.NORMAL, "fit_review", cause, explanation)
        )
    return status


def _alert(
    episode: Episode,
    kind: AlertKind,
    priority: Priority,
    rule: str,
    cause: str,
    explanation: Mapping[str, object],
    row: _Row | None = None,
) -> Alert:
    return Alert(
        kind=kind,
        priority=priority,
        episode=episode,
        therapist_id=episode.therapist_id,
        rule=rule,
        cause=cause,
        response_id=row.pk if row is not None else None,
        explanation=dict(explanation),
    )
