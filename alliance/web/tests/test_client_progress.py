"""The client's progress page: plain words, the same charts, kind words about alerts."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from alliance.alerts.models import Alert, AlertKind, AlertState, Priority
from alliance.care.models import Episode
from alliance.goals.actions import GoalDraft, do_accept_goal, do_propose_goal, do_rate_goal
from alliance.measures.tests.factories import checkin, give, phq9, utc
from alliance.web import overview
from tests.factories import logged_in, make_episode


def _page(episode: Episode) -> str:
    response = logged_in(episode.client).get(reverse("client-progress"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _alert(episode: Episode, kind: str, state: str = AlertState.OPEN) -> Alert:
    return Alert.objects.create(
        kind=kind,
        priority=Priority.HIGH,
        state=state,
        episode=episode,
        therapist=episode.therapist,
        rule=kind,
        cause=f"test:{kind}:{state}:{episode.pk}",
        explanation={"score": 4},
    )


@pytest.mark.parametrize(
    ("totals", "sentence"),
    [
        ([18, 11], "Your PHQ-9 went from 18 to 11: a reliable improvement."),
        ([12, 3], "Your PHQ-9 went from 12 to 3: a reliable improvement, and it is now below"),
        ([12, 10], "Your PHQ-9 went from 12 to 10: within the usual ups and downs"),
        ([8, 15], "Your PHQ-9 went from 8 to 15: a reliable change for the worse."),
        ([14], "Your first PHQ-9 score here was 14."),
    ],
)
def test_progress_in_plain_words(db: None, totals: list[int], sentence: str) -> None:
    episode = make_episode()
    for week, total in enumerate(totals):
        give(episode, "phq-9", phq9(total), utc(2026, 9, 3) + dt.timedelta(days=7 * week))
    assert sentence in _page(episode)


def test_the_client_sees_the_charts_without_the_expected_band(db: None) -> None:
    episode = make_episode()
    give(episode, "phq-9", phq9(18), utc(2026, 9, 3))
    give(episode, "phq-9", phq9(11), utc(2026, 9, 10))
    give(episode, "alliance-checkin-client", checkin(12), utc(2026, 9, 10))
    page = _page(episode)
    found = re.search(r'<script id="chart-data-phq-9-client" type="application/json">(.*?)<', page)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["rc_band"]["low"] == [12, 12]
    assert data["expected"] is None
    assert "chart-data-alliance" in page
    assert "Your check-ins so far: 12 (out of 16" in page
    assert "Therapist's view" not in page


def test_alerts_are_told_kindly_without_scores(db: None) -> None:
    episode = make_episode()
    _alert(episode, AlertKind.RUPTURE)
    _alert(episode, AlertKind.SAFETY, state=AlertState.ACKNOWLEDGED)
    _alert(episode, AlertKind.DROPOUT, state=AlertState.RESOLVED)
    page = _page(episode)
    assert "Your therapist has been asked to check in about how sessions are going." in page
    assert "Your therapist has been told about your answer and will follow up." in page
    assert "still suits you" not in page  # the dropout alert is resolved
    for internal in ("rupture", "Priority", "priority", "dropout", "rule", "score 4"):
        assert internal not in page.split("Your therapist will follow up")[1].split("</section>")[0]


def test_no_alert_no_follow_up_box(db: None) -> None:
    episode = make_episode()
    _alert(make_episode(), AlertKind.RUPTURE)  # someone else's
    assert "Your therapist will follow up" not in _page(episode)


def test_goals_with_their_latest_level(db: None) -> None:
    episode = make_episode()
    levels = {str(k): f"Level {k} in words" for k in range(-2, 3)}
    goal = do_propose_goal(
        episode.therapist, episode=episode, draft=GoalDraft("Walk daily", levels)
    )
    do_accept_goal(episode.client, goal=goal)
    do_rate_goal(episode.client, goal=goal, level=-1, submission_key="rating-key-1")
    page = _page(episode)
    assert "Walk daily" in page
    assert "Latest: −1 — Level -1 in words" in page


def _with_button(tmp_path: Path) -> list[dict[str, Any]]:
    button = tmp_path / "reviews" / "_request_button.html"
    button.parent.mkdir()
    button.write_text('<button type="submit">Ask for a fit review {{ episode.pk }}</button>')
    engine: dict[str, Any] = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    return [engine]


def test_the_fit_review_button_is_included_when_its_template_exists(
    db: None, tmp_path: Path
) -> None:
    episode = make_episode()
    with override_settings(TEMPLATES=_with_button(tmp_path)):
        page = _page(episode)
    assert f"Ask for a fit review {episode.pk}" in page


def test_no_fit_review_button_while_its_template_is_missing(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "FIT_REVIEW_BUTTON", "reviews/_not_built_yet.html")
    assert not overview.fit_review_button_exists()
    with override_settings(TEMPLATES=_with_button(tmp_path)):
        page = _page(make_episode())
    assert "Ask for a fit review" not in page
