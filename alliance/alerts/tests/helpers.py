"""Episodes with check-ins, questionnaires, sessions and clinic histories, for the alert tests.

Totals are chosen by hand: a check-in of (a, b, c, d) totals a + b + c + d out of 16.
"""

from __future__ import annotations

import datetime as dt
import itertools

from alliance.accounts.models import Clinic, Role, User
from alliance.alerts.models import Alert, AlertKind, Priority
from alliance.care.actions.episodes import do_start_episode
from alliance.care.models import EndReason, Episode, EpisodeState, Session
from alliance.measures.actions import do_submit_response
from alliance.measures.models import RespondentRole, Response
from tests.factories import make_client, make_clinic, make_therapist

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday
CHECKIN_ITEMS = ("checkin-bond", "checkin-goals", "checkin-collaboration", "checkin-frame")
PHQ9_ITEMS = tuple(f"phq9-{n}" for n in range(1, 10))
_keys = itertools.count()


def episode_in(clinic: Clinic | None = None, *, therapist: User | None = None) -> Episode:
    clinic = clinic or make_clinic()
    therapist = therapist or make_therapist(clinic=clinic)
    client = make_client(clinic=clinic)
    episode = do_start_episode(None, client=client, therapist=therapist, started_on=NOW.date())
    Episode.objects.filter(pk=episode.pk).update(state=EpisodeState.ACTIVE)
    episode.refresh_from_db()
    return episode


def checkin_answers(total: int, comment: str = "") -> dict[str, object]:
    """Four 0-4 answers adding up to ``total``, and the optional comment."""
    answers: dict[str, object] = {}
    left = total
    for item in CHECKIN_ITEMS:
        answers[item] = min(4, left)
        left -= answers[item]  # type: ignore[operator]
    assert left == 0
    if comment:
        answers["checkin-not-working"] = comment
    return answers


def check_in(
    episode: Episode,
    session: int,
    total: int,
    *,
    therapist: bool = False,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Response:
    actor = episode.therapist if therapist else episode.client
    instrument = "alliance-checkin-therapist" if therapist else "alliance-checkin-client"
    return do_submit_response(
        actor,
        instrument_id=instrument,
        answers=checkin_answers(total, comment),
        client=episode.client,
        episode=episode,
        submission_key=f"test-{next(_keys)}",
        session_number=session,
        administered_at=at or NOW - dt.timedelta(days=7 * (20 - session)),
    )


def phq9(episode: Episode, session: int, total: int) -> Response:
    """A PHQ-9 with item 9 at 0 (no safety alert) adding up to ``total`` (0-24)."""
    values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
    assert sum(values) == total
    return do_submit_response(
        episode.client,
        instrument_id="phq-9",
        answers=dict(zip(PHQ9_ITEMS, values, strict=True)),
        client=episode.client,
        episode=episode,
        submission_key=f"test-{next(_keys)}",
        session_number=session,
        administered_at=NOW - dt.timedelta(days=7 * (20 - session)),
    )


def steady_baseline(episode: Episode, totals: tuple[int, ...] = (14, 15, 14)) -> None:
    for session, total in enumerate(totals, 1):
        check_in(episode, session, total)


def past_session(episode: Episode, weeks_ago: float) -> Session:
    """A scheduled session that started ``weeks_ago`` weeks before NOW."""
    starts = NOW - dt.timedelta(weeks=weeks_ago)
    return Session.objects.create(
        episode=episode,
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=50),
    )


def alert_for(episode: Episode, *, kind: str = AlertKind.RUPTURE, **fields: object) -> Alert:
    """An alert stored directly (no rule ran), for workflow and page tests."""
    values: dict[str, object] = {
        "priority": Priority.HIGHEST if kind == AlertKind.SAFETY else Priority.HIGH,
        "rule": "phq-9:item9_risk" if kind == AlertKind.SAFETY else kind,
        **fields,
    }
    return Alert.objects.create(
        kind=kind,
        episode=episode,
        therapist_id=episode.therapist_id,
        cause=f"test:{next(_keys)}",
        **values,
    )


def clinic_history(
    clinic: Clinic,
    *,
    n: int,
    intake: int,
    changes: tuple[int, ...],
    instrument: str = "phq-9",
    end_reason: str = EndReason.PLANNED,
) -> None:
    """``n`` ended past episodes whose scores on ``instrument`` start at ``intake`` and then
    change by ``changes[k]`` (plus a spread of -1, 0, +1 across episodes) at session k + 2.
    Rows are written in bulk: history is data, not submissions."""
    therapist = make_therapist(clinic=clinic)
    rows = []
    for i in range(n):
        client = User.objects.create(
            email=f"history-{next(_keys)}@example.org",
            first_name="Past",
            role=Role.CLIENT,
            clinic=clinic,
        )
        episode = Episode.objects.create(
            clinic=clinic,
            client=client,
            therapist=therapist,
            state=EpisodeState.ENDED,
            end_reason=end_reason,
            started_on=dt.date(2025, 1, 1),
            ended_on=dt.date(2025, 6, 1),
        )
        scores = [intake] + [intake + change + (i % 3 - 1) for change in changes]
        for session, total in enumerate(scores, 1):
            at = dt.datetime(2025, 1, 1, tzinfo=UTC) + dt.timedelta(weeks=session)
            rows.append(
                Response(
                    client=client,
                    episode=episode,
                    respondent=client,
                    respondent_role=RespondentRole.CLIENT,
                    instrument=instrument,
                    instrument_version="1.0.0",
                    session_number=session,
                    answers={},
                    total=float(max(0, total)),
                    administered_at=at,
                    created_at=at,
                    submission_key=f"history-{next(_keys)}",
                )
            )
    Response.objects.bulk_create(rows)
