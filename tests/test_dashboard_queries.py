"""The therapist's home page costs the same number of queries for 5 clients as for 60 (no N+1).

Every client carries what the page shows: check-ins and PHQ-9 scores, held and scheduled
sessions, open alerts and a per-episode schedule, so any per-row query would show up as a
difference between the two counts.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import User
from alliance.alerts.models import Alert, AlertKind, AlertState, Priority
from alliance.care.models import Episode, EpisodeState, Session, SessionStatus
from alliance.measures.models import EpisodeSchedule, RespondentRole, Response
from tests.factories import make_client, make_clinic, make_therapist

START = dt.datetime(2026, 9, 3, 17, tzinfo=dt.UTC)


def _caseload(n: int) -> User:
    clinic = make_clinic()
    therapist = make_therapist(clinic=clinic)
    responses, sessions, alerts = [], [], []
    for i in range(n):
        client = make_client(clinic=clinic)
        episode = Episode.objects.create(
            clinic=clinic,
            client=client,
            therapist=therapist,
            state=EpisodeState.ACTIVE,
            started_on=START.date(),
        )
        for week in range(4):
            at = START + dt.timedelta(days=7 * week, hours=i)  # never overlapping
            sessions.append(_session(episode, at, SessionStatus.HELD))
            for instrument, total in (("alliance-checkin-client", 12), ("phq-9", 15 - week)):
                responses.append(_response(episode, instrument, total, at, week + 1))
        ahead = dt.datetime(2099, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i)
        sessions.append(_session(episode, ahead))
        if i % 2 == 0:
            alerts.append(_alert(episode, i))
        if i % 3 == 0:
            EpisodeSchedule.objects.create(
                episode=episode, overrides=[{"instrument": "phq-9", "every_sessions": 2}]
            )
    Response.objects.bulk_create(responses)
    Session.objects.bulk_create(sessions)
    Alert.objects.bulk_create(alerts)
    return therapist


def _count(therapist: User) -> int:
    http = Client()
    http.force_login(therapist)
    url = reverse("therapist-home")
    assert http.get(url).status_code == 200  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_page_queries_do_not_grow_with_the_caseload(db: None) -> None:
    few, many = _caseload(5), _caseload(60)
    n_few, n_many = _count(few), _count(many)
    assert n_few == n_many, (n_few, n_many)
    assert n_few <= 20, n_few  # a fixed handful, not one per client


def test_sixty_clients_all_show(db: None) -> None:
    therapist = _caseload(60)
    http = Client()
    http.force_login(therapist)
    page = http.get(reverse("therapist-home")).content.decode()
    assert "My clients (60)" in page
    assert page.count('class="spark"') == 120  # check-ins and PHQ-9 for everyone


def _session(episode: Episode, at: dt.datetime, status: str = SessionStatus.SCHEDULED) -> Session:
    return Session(
        episode=episode,
        client_id=episode.client_id,
        therapist_id=episode.therapist_id,
        starts_at=at,
        ends_at=at + dt.timedelta(minutes=50),
        status=status,
    )


def _response(
    episode: Episode, instrument: str, total: float, at: dt.datetime, number: int
) -> Response:
    return Response(
        client_id=episode.client_id,
        episode=episode,
        respondent_id=episode.client_id,
        respondent_role=RespondentRole.CLIENT,
        instrument=instrument,
        instrument_version="1",
        session_number=number,
        answers={},
        total=total,
        administered_at=at,
        submission_key=f"{episode.pk}-{instrument}-{number}",
    )


def _alert(episode: Episode, i: int) -> Alert:
    return Alert(
        kind=AlertKind.RUPTURE,
        priority=Priority.HIGH,
        state=AlertState.OPEN,
        episode=episode,
        therapist_id=episode.therapist_id,
        rule="rupture",
        cause=f"dashboard-test:{episode.pk}:{i}",
    )
