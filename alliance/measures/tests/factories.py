"""Episodes, held sessions and scored answers for the schedule, chart and caseload tests."""

from __future__ import annotations

import datetime as dt
import itertools

from alliance.care.models import Episode, Session
from alliance.measures.actions import do_submit_response
from alliance.measures.models import Response

CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}
_keys = itertools.count(1)


def hold_session(episode: Episode, starts_at: dt.datetime, *, status: str = "held") -> Session:
    """A 50-minute session (held by default)."""
    return Session.objects.create(
        episode=episode,
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=50),
        status=status,
    )


def phq9(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` (0-24), item 9 (the risk item) always 0."""
    answers = {f"phq9-{n}": 0 for n in range(1, 10)}
    left = total
    for n in range(1, 9):
        answers[f"phq9-{n}"] = min(3, left)
        left -= answers[f"phq9-{n}"]
    assert left == 0, "at most 24 without the risk item"
    return answers


def gad7(total: int) -> dict[str, int]:
    answers = {}
    left = total
    for n in range(1, 8):
        answers[f"gad7-{n}"] = min(3, left)
        left -= answers[f"gad7-{n}"]
    assert left == 0
    return answers


def checkin(total: int) -> dict[str, int]:
    """Alliance Check-in answers adding up to ``total`` (0-16)."""
    answers = {}
    left = total
    for key in CHECK_IN:
        answers[key] = min(4, left)
        left -= answers[key]
    assert left == 0
    return answers


def give(
    episode: Episode,
    instrument: str,
    answers: dict[str, int],
    at: dt.datetime,
    *,
    session_number: int | None = None,
    by_therapist: bool = False,
) -> Response:
    respondent = episode.therapist if by_therapist else episode.client
    return do_submit_response(
        respondent,
        instrument_id=instrument,
        answers=answers,
        client=episode.client,
        episode=episode,
        submission_key=f"test-{next(_keys)}",
        session_number=session_number,
        administered_at=at,
    )


def utc(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def store_score(
    episode: Episode,
    instrument: str,
    total: float,
    at: dt.datetime,
    *,
    session_number: int | None = None,
    by_therapist: bool = False,
) -> Response:
    """A stored total without the side effects of submitting (no monitoring, no alerts)."""
    respondent = episode.therapist if by_therapist else episode.client
    return Response.objects.create(
        client=episode.client,
        episode=episode,
        respondent=respondent,
        respondent_role="therapist" if by_therapist else "client",
        instrument=instrument,
        instrument_version="test",
        session_number=session_number,
        answers={},
        total=total,
        administered_at=at,
        submission_key=f"stored-{next(_keys)}",
    )
