"""The alert pages: the explanation in plain words, the workflow forms, the two lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from alliance.alerts.actions import do_acknowledge_alert
from alliance.alerts.models import AlertKind, AlertState, Priority
from alliance.alerts.tests.helpers import NOW, alert_for, check_in, episode_in, steady_baseline
from tests.factories import make_client, make_staff, make_therapist

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "alerts"


def _as(user) -> Client:
    http = Client()
    http.force_login(user)
    return http


def _detail(alert) -> str:
    return reverse("alert-detail", args=[alert.pk])


def test_a_rupture_alert_explains_its_rule_scores_and_next_steps() -> None:
    episode = episode_in()
    steady_baseline(episode)
    check_in(episode, 4, 6, comment="You keep interrupting me")
    alert = episode.alerts.get(kind=AlertKind.RUPTURE)
    page = _as(episode.therapist).get(_detail(alert)).content.decode()
    assert "Alliance Check-in: a possible rupture (Alliance&#x27;s own rule" in page
    assert "Client check-in 6/16 at session 4 is below 9." in page
    assert "<td>6</td>" in page and "<td>15</td>" in page
    assert "not a published standard" in page
    assert "Invite the client, next session" in page
    assert "You keep interrupting me" not in page  # the comment is on the client's page only


def test_off_track_dropout_fit_review_and_safety_pages_say_what_they_mean() -> None:
    episode = episode_in()
    http = _as(episode.therapist)
    off_track = alert_for(
        episode,
        kind=AlertKind.OFF_TRACK,
        rule="off_track:phq-9",
        explanation={
            "label": "PHQ-9",
            "intake": 10,
            "intake_session": 1,
            "score": 16,
            "session_number": 3,
            "band": {"session": 3, "low": 4.5, "median": 10, "high": 15.5, "n": 0},
            "stratum": "intake 5 to under 15",
            "source": "fallback: reliable change of 5.5 from intake (2 similar courses)",
            "fallback": True,
            "rci": 5.5,
            "text": "PHQ-9 16 at session 3 is above the expected range (up to 15.5).",
        },
    )
    page = http.get(_detail(off_track)).content.decode()
    assert "worsened by a reliable amount since the first score (at least 6 points)" in page
    assert "4.5 to 15.5, median 10" in page
    dropout = alert_for(
        episode,
        kind=AlertKind.DROPOUT,
        explanation={
            "probability": 0.52,
            "base_rate": 0.2,
            "auc": 0.712,
            "n_test": 84,
            "features": {"attendance": 0.5},
            "reasons": [{"feature": "attendance", "text": "Attended 50% of sessions."}],
        },
    )
    page = http.get(_detail(dropout)).content.decode()
    assert "52%" in page and "20%" in page and "AUC 0.71 on 84 clients" in page
    assert "never as a verdict" in page
    review = alert_for(episode, kind=AlertKind.FIT_REVIEW, explanation={"sessions_held": 3})
    assert "Crits-Christoph" in http.get(_detail(review)).content.decode()
    safety = alert_for(episode, kind=AlertKind.SAFETY)
    page = http.get(_detail(safety)).content.decode()
    assert "PHQ-9 item 9" in page and "safety plan" in page


def test_the_workflow_through_the_pages() -> None:
    alert = alert_for(episode_in())
    http = _as(alert.therapist)
    refused = http.post(reverse("alert-resolve", args=[alert.pk]))
    assert refused.status_code == 400
    assert "Record what was done about this alert before resolving it." in refused.content.decode()
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN
    assert http.post(reverse("alert-acknowledge", args=[alert.pk])).status_code == 302
    assert http.post(reverse("alert-action", args=[alert.pk]), {"kind": ""}).status_code == 400
    done = http.post(reverse("alert-action", args=[alert.pk]), {"kind": "discussed_alliance"})
    assert done.status_code == 302
    assert http.post(reverse("alert-resolve", args=[alert.pk])).status_code == 302
    page = http.get(_detail(alert)).content.decode()
    assert "Discussed the alliance in session" in page
    assert "Resolved" in page
    assert reverse("alert-resolve", args=[alert.pk]) not in page  # nothing left to do


def test_not_yours_is_404() -> None:
    alert = alert_for(episode_in(), kind=AlertKind.SAFETY)
    clinic = alert.episode.clinic
    for outsider in (
        make_therapist(clinic=clinic),
        make_staff(clinic=clinic),  # not escalated
        make_client(clinic=clinic),
        alert.episode.client,
    ):
        http = _as(outsider)
        assert http.get(_detail(alert)).status_code == 404
        assert http.post(reverse("alert-acknowledge", args=[alert.pk])).status_code == 404
        assert http.post(reverse("alert-resolve", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


def test_staff_see_no_scores_on_an_escalated_safety_alert() -> None:
    episode = episode_in()
    alert = alert_for(episode, kind=AlertKind.SAFETY, escalated_at=NOW)
    page = _as(make_staff(clinic=episode.clinic)).get(_detail(alert)).content.decode()
    assert "A safety alert escalated to the clinic" in page
    assert "item 9" not in page
    assert reverse("person-detail", args=[episode.client_id]) in page


def test_the_therapists_list_puts_open_alerts_by_priority_then_acknowledged_ones() -> None:
    episode = episode_in()
    review = alert_for(episode, kind=AlertKind.FIT_REVIEW, priority=Priority.NORMAL)
    safety = alert_for(episode, kind=AlertKind.SAFETY, created_at=NOW - dt.timedelta(days=1))
    seen = alert_for(episode)
    do_acknowledge_alert(episode.therapist, alert=seen)
    alert_for(episode_in())  # another therapist's
    page = _as(episode.therapist).get(reverse("therapist-alerts")).content.decode()
    positions = [page.index(_detail(a)) for a in (safety, review, seen)]
    assert positions == sorted(positions)
    assert page.index("Acknowledged, not yet resolved") < positions[2]
    assert page.count('href="/alerts/') == 3


def test_templates_have_no_inline_scripts_or_styles() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert "<script" not in text and "style=" not in text and "<style" not in text
