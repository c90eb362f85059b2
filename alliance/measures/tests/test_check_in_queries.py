"""A check-in POST costs a bounded number of queries, however long the history.

Counted as in production: no test transaction around the request (so no extra savepoints),
the session middleware's read and write included, the clinic caches warm (an earlier check-in
of the same clinic filled them), and the same rules firing in both histories.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.accounts.models import Clinic
from alliance.care.models import Episode
from alliance.measures.models import Response
from alliance.measures.tests.factories import checkin, gad7, give, hold_session, phq9
from alliance.measures.tests.test_pages import _as, _form_data, _full_answers
from tests.factories import make_clinic, make_episode

MAX_QUERIES = 25
TODAY = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def _with_history(clinic: Clinic, n_sessions: int) -> Episode:
    """An episode with ``n_sessions`` weekly held sessions, each with a full check-in, and a
    session held today."""
    episode = make_episode(clinic=clinic, started_on=(TODAY - dt.timedelta(weeks=30)).date())
    for week in range(n_sessions):
        at = TODAY - dt.timedelta(weeks=n_sessions - week)
        hold_session(episode, at - dt.timedelta(hours=1))
        give(episode, "alliance-checkin-client", checkin(12), at, session_number=week + 1)
        give(episode, "phq-9", phq9(12 - week % 5), at, session_number=week + 1)
        give(episode, "gad-7", gad7(9), at, session_number=week + 1)
    hold_session(episode, TODAY - dt.timedelta(hours=2))
    return episode


def _check_in_queries(episode: Episode) -> int:
    http = _as(episode.client)
    with time_machine.travel(TODAY, tick=False):
        page = http.get(reverse("client-check-in")).content.decode()
        before = Response.objects.count()
        with CaptureQueriesContext(connection) as captured:
            response = http.post(reverse("client-check-in"), _form_data(page, _full_answers()))

    assert response.status_code == 302
    assert Response.objects.count() == before + 4
    return len(captured.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_a_check_in_costs_at_most_25_queries_whatever_the_history() -> None:
    clinic = make_clinic()
    _check_in_queries(_with_history(clinic, 5))  # fills the clinic's caches
    short, long = _with_history(clinic, 5), _with_history(clinic, 20)

    n_short, n_long = _check_in_queries(short), _check_in_queries(long)

    assert n_short <= MAX_QUERIES
    assert n_long == n_short
