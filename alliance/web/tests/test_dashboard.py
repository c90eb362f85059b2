"""The therapist's home page: the caseload at a glance."""

from __future__ import annotations

import datetime as dt
import html

from django.urls import reverse

from alliance.alerts.models import Alert, AlertKind, AlertState, Priority
from alliance.care.models import Episode, EpisodeState
from alliance.measures.tests.factories import hold_session, store_score, utc
from alliance.web.caseload import SPARK_HEIGHT, compute_sparkline
from tests.factories import logged_in, make_episode, make_therapist


def _alert(episode: Episode, kind: str, priority: int, state: str = AlertState.OPEN) -> Alert:
    return Alert.objects.create(
        kind=kind,
        priority=priority,
        state=state,
        episode=episode,
        therapist=episode.therapist,
        rule=kind,
        cause=f"dash:{episode.pk}:{kind}:{state}",
    )


def _home(therapist) -> str:
    response = logged_in(therapist).get(reverse("therapist-home"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_each_client_with_sparklines_alerts_due_and_next_session(db: None) -> None:
    therapist = make_therapist(first_name="Meera")
    episode = make_episode(therapist=therapist, first_name="Asha", last_name="Rao")
    for week, (score, mood) in enumerate([(12, 18), (13, 15), (9, 11)]):
        at = utc(2026, 9, 3, 19) + dt.timedelta(days=7 * week)
        store_score(episode, "alliance-checkin-client", score, at)
        store_score(episode, "phq-9", mood, at)
    hold_session(episode, utc(2099, 3, 5, 17), status="scheduled")
    _alert(episode, AlertKind.RUPTURE, Priority.HIGH)
    _alert(episode, AlertKind.DROPOUT, Priority.NORMAL, state=AlertState.ACKNOWLEDGED)
    _alert(episode, AlertKind.OFF_TRACK, Priority.HIGHEST, state=AlertState.RESOLVED)
    page = _home(therapist)
    assert 'aria-label="check-ins 12, 13, 9"' in page
    assert 'aria-label="PHQ-9 18, 15, 11"' in page
    assert "2 open" in page
    assert "(highest: high)" in page  # the resolved highest-priority alert does not count
    assert "next session Thu 5 Mar, 17:00" in page
    assert reverse("therapist-client", args=[episode.pk]) in page
    # No session held yet: session 1, and everything answered was answered at session 1.
    due = "session 1</span><br>client: GAD-7, CORE-10<br>you: Alliance Check-in"
    assert due in page


def test_clients_with_open_alerts_come_first_then_by_name(db: None) -> None:
    therapist = make_therapist()
    names = {}
    for first in ("Zoe", "Adam", "Maya", "Ben"):
        names[first] = make_episode(therapist=therapist, first_name=first, last_name="X")
    _alert(names["Zoe"], AlertKind.SAFETY, Priority.HIGHEST)
    _alert(names["Maya"], AlertKind.RUPTURE, Priority.HIGH)
    page = _home(therapist)
    order = sorted(names, key=lambda first: page.index(f"{first} X</a>"))
    assert order == ["Zoe", "Maya", "Adam", "Ben"]


def test_only_open_episodes_of_this_therapist(db: None) -> None:
    therapist = make_therapist()
    mine = make_episode(therapist=therapist, first_name="Open")
    ended = make_episode(therapist=therapist, first_name="Ended")
    Episode.objects.filter(pk=ended.pk).update(state=EpisodeState.ENDED)
    make_episode(first_name="Someone")  # a colleague's client
    page = _home(therapist)
    assert "My clients (1)" in page
    assert f"{mine.client.first_name}" in page
    assert "Ended " not in page
    assert "Someone" not in page


def test_no_scores_yet_says_so(db: None) -> None:
    therapist = make_therapist()
    make_episode(therapist=therapist)
    page = _home(therapist)
    assert "none yet" in page
    assert "no session planned" in page


def test_sparkline_points_are_scaled_to_the_instrument_range() -> None:
    line = compute_sparkline("check-ins", [0, 8, 16], 0, 16)
    assert line is not None
    assert line.points == f"0.0,{SPARK_HEIGHT:.1f} 50.0,12.0 100.0,0.0"
    assert line.text == "check-ins 0, 8, 16"
    assert compute_sparkline("check-ins", [], 0, 16) is None
    single = compute_sparkline("PHQ-9", [27], 0, 27)
    assert single is not None and single.points == "0.0,0.0 100.0,0.0"
