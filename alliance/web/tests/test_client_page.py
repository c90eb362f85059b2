"""The therapist's client page: trajectory charts with their bands, goals, frame, sessions."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from django.urls import reverse

from alliance.accounts.models import User
from alliance.care.models import Episode, EpisodeState, FrameState, FrameVersion
from alliance.goals.actions import GoalDraft, do_accept_goal, do_propose_goal, do_rate_goal
from alliance.measures.models import RespondentRole, Response
from alliance.measures.tests.factories import checkin, give, hold_session, phq9, utc
from tests.factories import logged_in, make_client, make_episode

LEVELS = {
    "-2": "Awake most of the night",
    "-1": "Awake for hours most nights",
    "0": "Asleep within an hour most nights",
    "1": "Asleep within half an hour most nights",
    "2": "Asleep within half an hour every night",
}


def _chart(page: str, dom_id: str) -> dict:
    found = re.search(rf'<script id="{dom_id}" type="application/json">(.*?)</script>', page)
    assert found is not None, f"no chart {dom_id}"
    return json.loads(found.group(1))


def _page(episode: Episode) -> str:
    response = logged_in(episode.therapist).get(reverse("therapist-client", args=[episode.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _weekly_phq9(episode: Episode, totals: list[int], start: dt.datetime) -> None:
    for number, total in enumerate(totals, start=1):
        at = start + dt.timedelta(days=7 * (number - 1))
        give(episode, "phq-9", phq9(total), at, session_number=number)


def test_phq9_chart_has_the_cutoff_and_the_reliable_change_band(db: None) -> None:
    episode = make_episode()
    _weekly_phq9(episode, [18, 15, 11], utc(2026, 9, 3))
    data = _chart(_page(episode), "chart-data-phq-9-client")
    assert data["lines"][0]["values"] == [18, 15, 11]
    assert data["cutoff"] == 10  # PHQ-9 caseness, NHS Talking Therapies
    # Baseline 18 ± the PHQ-9 reliable-change threshold of 6 points (NHS Talking Therapies).
    assert data["rc_band"]["low"] == [12, 12, 12]
    assert data["rc_band"]["high"] == [24, 24, 24]


def test_expected_band_falls_back_to_reliable_change_when_history_is_thin(db: None) -> None:
    episode = make_episode()
    _weekly_phq9(episode, [18, 15, 11], utc(2026, 9, 3))
    page = html.unescape(_page(episode))
    expected = _chart(page, "chart-data-phq-9-client")["expected"]
    # Session 1 is the baseline itself; after it, intake ± 6 (trajectory module, step 4).
    assert expected["low"] == [18, 12, 12]
    assert expected["median"] == [18, 18, 18]
    assert expected["high"] == [18, 24, 24]
    assert "not enough clinic history yet" in page
    assert "PHQ-9 went" not in page  # the therapist reads the clinical sentence instead
    assert "reliable improvement" in page  # 18 → 11 is 7 points


def test_expected_band_comes_from_the_clinics_other_episodes(db: None) -> None:
    episode = make_episode()
    _history(episode, n=30)
    _weekly_phq9(episode, [18, 12], utc(2026, 9, 3))
    page = html.unescape(_page(episode))
    expected = _chart(page, "chart-data-phq-9-client")["expected"]
    # Changes at session 2 of the 30 others: 0, -1, ..., -9, three times each. np.percentile
    # (linear): 10th at rank 2.9 = -9 + 0.9 = -8.1; median at 14.5 = -4.5; 90th at 26.1 = -0.9.
    assert expected["low"] == [18, 9.9]
    assert expected["median"] == [18, 13.5]
    assert expected["high"] == [18, 17.1]
    assert "clinic history (n = 30)" in page
    assert "intake 15 to under 20" in page


def test_after_a_resume_the_baseline_is_fresh_and_earlier_points_stay(db: None) -> None:
    episode = make_episode()
    _weekly_phq9(episode, [20, 16, 12], utc(2026, 9, 3))
    Episode.objects.filter(pk=episode.pk).update(baseline_from=dt.date(2026, 9, 10))
    episode.refresh_from_db()
    data = _chart(_page(episode), "chart-data-phq-9-client")
    assert data["lines"][0]["values"] == [20, 16, 12]
    assert data["rc_band"]["low"] == [None, 10, 10]
    assert data["rc_band"]["high"] == [None, 22, 22]
    assert data["expected"]["median"] == [None, 16, 16]


def test_core10_band_uses_its_own_threshold(db: None) -> None:
    episode = make_episode()
    core10 = {f"core10-{n}": 2 for n in range(1, 11)} | {"core10-6": 0}
    response = give(episode, "core-10", core10, utc(2026, 9, 3), session_number=1)
    data = _chart(_page(episode), "chart-data-core-10-client")
    # CORE-10 reliable change index 6 points (Barkham et al. 2013).
    assert data["rc_band"]["low"] == [round(response.total - 6, 2)]
    assert data["rc_band"]["high"] == [round(response.total + 6, 2)]


def test_alliance_chart_keeps_client_and_therapist_apart(db: None) -> None:
    episode = make_episode()
    day = utc(2026, 9, 3, 19)
    give(episode, "alliance-checkin-client", checkin(12), day)
    give(episode, "alliance-checkin-therapist", checkin(14), day, by_therapist=True)
    give(episode, "alliance-checkin-client", checkin(9), day + dt.timedelta(days=7))
    page = html.unescape(_page(episode))
    data = _chart(page, "chart-data-alliance")
    assert [line["label"] for line in data["lines"]] == ["Client's check-in", "Therapist's view"]
    assert data["lines"][0]["values"] == [12, 9]
    assert data["lines"][1]["values"] == [14, None]
    assert "Client check-ins: 12, 9 (out of 16)." in page
    assert "Table of check-ins" in page


def test_goals_frame_sessions_and_links(db: None) -> None:
    episode = make_episode()
    goal = do_propose_goal(
        episode.therapist, episode=episode, draft=GoalDraft("Sleep through the night", LEVELS)
    )
    do_accept_goal(episode.client, goal=goal)
    do_rate_goal(episode.client, goal=goal, level=1, submission_key="rate-key-1")
    FrameVersion.objects.create(
        episode=episode,
        number=1,
        state=FrameState.ACCEPTED,
        weekday=3,
        start_time=dt.time(18, 0),
        time_zone="Europe/London",
        minutes=50,
        format="online",
        fee=1500,
        style="collaborative",
        effective_from=episode.started_on,
        proposed_by=episode.therapist,
    )
    hold_session(episode, utc(2026, 9, 3, 17))
    hold_session(episode, utc(2099, 9, 3, 17), status="scheduled")
    page = html.unescape(_page(episode))
    assert "Sleep through the night" in page
    assert "Latest level +1: Asleep within half an hour most nights" in page
    assert "T-score <strong>60.0</strong>" in page  # one goal at +1 (Kiresuk & Sherman 1968)
    assert "Thursdays at 18:00 (Europe/London), 50 minutes" in page
    assert "Thu 3 Sep, 17:00" in page  # coming up
    for name in ("episode-detail", "episode-goals", "episode-frame", "episode-notes"):
        assert reverse(name, args=[episode.pk]) in page
    assert "Private notes" in page


def _history(episode: Episode, *, n: int) -> None:
    """``n`` ended episodes in the same clinic, each PHQ-9 18 at intake and 18 - (i % 10) at
    session 2."""
    therapist = episode.therapist
    rows = []
    for i in range(n):
        client: User = make_client(clinic=episode.clinic)
        other = Episode.objects.create(
            clinic=episode.clinic,
            client=client,
            therapist=therapist,
            state=EpisodeState.ENDED,
            started_on=dt.date(2025, 1, 1),
            ended_on=dt.date(2025, 6, 1),
        )
        for number, total in ((1, 18), (2, 18 - i % 10)):
            rows.append(
                Response(
                    client=client,
                    episode=other,
                    respondent=client,
                    respondent_role=RespondentRole.CLIENT,
                    instrument="phq-9",
                    instrument_version="1.0.0",
                    session_number=number,
                    answers={},
                    total=total,
                    administered_at=utc(2025, 1, number * 7),
                    submission_key=f"history-{i}-{number}",
                )
            )
    Response.objects.bulk_create(rows)
