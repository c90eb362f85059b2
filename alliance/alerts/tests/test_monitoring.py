"""The monitoring wiring, through real submissions and session outcomes in the database.

Rupture thresholds (core.monitoring.rupture, our own design): a client check-in below 9/16 is an
alert; with 3 earlier check-ins, one more than 2 SD (SD at least 1) below their mean is an alert,
more than 1 SD a watch; 2 late cancellations or no-shows among the last 4 sessions are an alert.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from alliance.alerts.actions import do_record_alert_action, do_resolve_alert
from alliance.alerts.models import Alert, AlertKind, AlertState, DropoutModelFit, Priority
from alliance.alerts.monitoring import evaluate_episode
from alliance.alerts.tests.helpers import (
    NOW,
    check_in,
    clinic_history,
    episode_in,
    past_session,
    phq9,
    steady_baseline,
)
from alliance.care.actions.sessions import do_cancel_session, do_record_outcome
from alliance.care.models import EpisodeState, SessionStatus
from alliance.core.monitoring import (
    Example,
    FitReviewStatus,
    Level,
    fit_dropout_model,
    model_to_json,
)
from alliance.measures.actions import do_correct_response
from tests.factories import make_clinic

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOW, tick=False)]


def _alerts(episode, kind=AlertKind.RUPTURE):
    return list(Alert.objects.filter(episode=episode, kind=kind))


# Rupture


def test_a_low_check_in_after_a_steady_baseline_raises_one_rupture_alert() -> None:
    episode = episode_in()
    steady_baseline(episode)  # 14, 15, 14: mean 14.33, SD 0.58 raised to 1
    assert _alerts(episode) == []
    low = check_in(episode, 4, 6, comment="I felt rushed and judged today")
    (alert,) = _alerts(episode)
    assert (alert.cause, alert.rule, alert.priority) == (
        f"rupture:{episode.pk}:4",
        "rupture",
        Priority.HIGH,
    )
    assert (alert.therapist_id, alert.response, alert.state) == (
        episode.therapist_id,
        low,
        AlertState.OPEN,
    )
    explanation = alert.explanation
    assert [c["client"] for c in explanation["checkins"]] == [14, 15, 14, 6]
    assert explanation["checkins"][-1]["comment"] is True
    codes = [s["code"] for s in explanation["signals"]]
    assert codes == ["below_floor", "drop_alert", "low_with_comment"]
    assert "Client check-in 6/16 at session 4 is below 9." in explanation["signals"][0]["text"]
    assert (
        "8.3 SD below this client's earlier average (14.3 over 3 check-ins"
        in (explanation["signals"][1]["text"])
    )
    # Never the client's own words.
    assert "rushed" not in json.dumps(explanation)


def test_the_same_cause_never_raises_a_second_alert() -> None:
    episode = episode_in()
    steady_baseline(episode)
    low = check_in(episode, 4, 6)
    check_in(episode, 4, 14, therapist=True)  # evaluated again: same session, same cause
    do_correct_response(
        episode.client,
        original=low,
        answers={
            "checkin-bond": 1,
            "checkin-goals": 1,
            "checkin-collaboration": 2,
            "checkin-frame": 1,
        },
        reason="tapped wrong",
        submission_key="fix",
    )
    assert len(_alerts(episode)) == 1


def test_no_new_rupture_alert_while_one_is_unresolved_then_again_after_resolving() -> None:
    episode = episode_in()
    steady_baseline(episode)
    check_in(episode, 4, 6)
    check_in(episode, 5, 5)
    (first,) = _alerts(episode)
    do_record_alert_action(episode.therapist, alert=first, kind="discussed_alliance")
    do_resolve_alert(episode.therapist, alert=first)
    check_in(episode, 6, 4)
    assert sorted(a.cause for a in _alerts(episode)) == [
        f"rupture:{episode.pk}:4",
        f"rupture:{episode.pk}:6",
    ]


def test_a_watch_raises_nothing_but_is_returned_for_display() -> None:
    episode = episode_in()
    steady_baseline(episode, (14, 14, 14))
    check_in(episode, 4, 12)  # 2 SD below a flat baseline, not more: a watch
    result = evaluate_episode(episode, now=NOW)
    assert result.rupture.level is Level.WATCH
    assert [s.code.value for s in result.rupture.signals] == ["drop_watch"]
    assert result.raised == ()
    assert _alerts(episode) == []


def test_late_cancellations_and_no_shows_feed_the_rupture_assessment() -> None:
    episode = episode_in()
    steady_baseline(episode, (14, 14, 14))
    held = past_session(episode, 4)
    do_record_outcome(
        episode.therapist,
        session=held,
        outcome=SessionStatus.HELD,
        actual_start=held.starts_at,
        actual_end=held.ends_at,
    )
    # The therapist cancelling late says nothing about the client: not counted.
    do_cancel_session(
        episode.therapist,
        session=past_session(episode, 3),
        now=NOW - dt.timedelta(weeks=3, hours=2),
    )
    do_cancel_session(
        episode.client, session=past_session(episode, 2), now=NOW - dt.timedelta(weeks=2, hours=2)
    )
    assert _alerts(episode) == []  # one late cancellation: a watch
    do_record_outcome(episode.therapist, session=past_session(episode, 1), outcome="no_show")
    (alert,) = _alerts(episode)
    assert alert.cause == f"rupture:{episode.pk}:attendance:3"
    assert alert.explanation["attendance"] == [
        {"session": 1, "outcome": "held"},
        {"session": 2, "outcome": "late_cancel"},
        {"session": 3, "outcome": "no_show"},
    ]
    assert [s["code"] for s in alert.explanation["signals"]] == ["attendance_alert"]
    assert "1 late cancellation, 1 no-show" in alert.explanation["signals"][0]["text"]


# Not on track


def test_a_phq9_far_above_the_clinics_expected_band_raises_off_track() -> None:
    clinic = make_clinic()
    # 35 past clients who started at 16 improved by 1 to 3 points by session 2.
    clinic_history(clinic, n=35, intake=16, changes=(-2, -3, -4))
    episode = episode_in(clinic)
    phq9(episode, 1, 16)
    assert _alerts(episode, AlertKind.OFF_TRACK) == []
    phq9(episode, 2, 21)
    (alert,) = _alerts(episode, AlertKind.OFF_TRACK)
    assert (alert.rule, alert.cause) == ("off_track:phq-9", f"off_track:{episode.pk}:phq-9:2")
    explanation = alert.explanation
    assert explanation["fallback"] is False
    assert explanation["source"] == "clinic history (n = 35)"
    # Changes at session 2: -3, -2, -1 (12 times each, 11 for -1): 90th percentile -1.
    assert explanation["band"] == {"session": 2, "low": 13.0, "median": 14.0, "high": 15.0, "n": 35}
    assert explanation["text"] == (
        "PHQ-9 21 at session 2 is above the expected range (up to 15) for clients who started "
        "around 16."
    )


def test_thin_history_uses_the_reliable_change_fallback() -> None:
    clinic = make_clinic()
    clinic_history(clinic, n=5, intake=10, changes=(-2,))  # 5 courses: fewer than 30
    episode = episode_in(clinic)
    phq9(episode, 1, 10)
    phq9(episode, 2, 15)  # 5 points worse: not a reliable change (6 or more)
    assert _alerts(episode, AlertKind.OFF_TRACK) == []
    phq9(episode, 3, 16)  # 6 points worse
    (alert,) = _alerts(episode, AlertKind.OFF_TRACK)
    assert alert.explanation["fallback"] is True
    assert alert.explanation["source"].startswith(
        "fallback: reliable change of 5.5 from intake (5 similar courses in clinic history"
    )
    assert "a reliable deterioration from the intake score of 10" in alert.explanation["text"]


def test_off_track_uses_the_fresh_baseline_after_a_resume() -> None:
    episode = episode_in()
    phq9(episode, 1, 4)
    resumed_on = (NOW - dt.timedelta(days=7 * 16)).date()
    type(episode).objects.filter(pk=episode.pk).update(baseline_from=resumed_on)
    episode.refresh_from_db()
    phq9(episode, 5, 12)  # the fresh intake: 8 points above the old one
    phq9(episode, 6, 13)
    assert _alerts(episode, AlertKind.OFF_TRACK) == []
    result = evaluate_episode(episode, now=NOW)
    assert result.trajectories["phq-9"].intake == 12


# Fit review, dropout, limits


def test_the_fit_review_is_due_at_the_third_held_session() -> None:
    episode = episode_in()
    for weeks_ago in (3, 2, 1):
        assert _alerts(episode, AlertKind.FIT_REVIEW) == []
        session = past_session(episode, weeks_ago)
        do_record_outcome(
            episode.therapist,
            session=session,
            outcome="held",
            actual_start=session.starts_at,
            actual_end=session.ends_at,
        )
    (alert,) = _alerts(episode, AlertKind.FIT_REVIEW)
    assert alert.cause == f"fit_review:{episode.pk}"
    assert alert.explanation == {
        "rule": "fit_review",
        "status": "due",
        "sessions_held": 3,
        "review_after": [3, 4],
    }
    do_record_alert_action(episode.therapist, alert=alert, kind="discussed_alliance")
    do_resolve_alert(episode.therapist, alert=alert)
    assert evaluate_episode(episode, now=NOW).fit_review is FitReviewStatus.DONE


def _dropout_model(clinic) -> None:
    # Past clients: those who attended little dropped out.
    examples = [
        Example(
            {
                "early_alliance": 12.0 + i % 3,
                "attendance": 1.0 if i % 2 else 0.34,
                "change_so_far": 0.0,
                "days_since_last": 7.0 if i % 2 else 14.0 + i % 5,
            },
            dropped_out=not i % 2 and i % 10 != 0,
        )
        for i in range(60)
    ]
    DropoutModelFit.objects.create(
        clinic=clinic,
        model=model_to_json(fit_dropout_model(examples)),
        validation={"auc": 0.8, "n_test": 18},
    )


def test_a_high_dropout_risk_raises_one_alert_a_week() -> None:
    episode = episode_in()
    _dropout_model(episode.clinic)
    first = past_session(episode, 3)
    do_record_outcome(
        episode.therapist,
        session=first,
        outcome="held",
        actual_start=first.starts_at,
        actual_end=first.ends_at,
    )
    check_in(episode, 1, 13, at=first.ends_at)
    do_record_outcome(episode.therapist, session=past_session(episode, 2), outcome="no_show")
    assert _alerts(episode, AlertKind.DROPOUT) == []  # 2 counted sessions: too early
    do_record_outcome(episode.therapist, session=past_session(episode, 1), outcome="no_show")
    (alert,) = _alerts(episode, AlertKind.DROPOUT)
    assert alert.cause == f"dropout:{episode.pk}:2026-W45"
    assert alert.explanation["features"] == {
        "early_alliance": 13.0,
        "attendance": 0.3333,
        "change_so_far": 0.0,
        "days_since_last": 21.0,
    }
    assert alert.explanation["level"] == "high"
    assert evaluate_episode(episode, now=NOW).raised == ()


def test_no_dropout_prediction_without_a_fitted_model() -> None:
    episode = episode_in()
    for weeks_ago in (3, 2, 1):
        do_record_outcome(
            episode.therapist, session=past_session(episode, weeks_ago), outcome="no_show"
        )
    check_in(episode, 1, 13)
    assert evaluate_episode(episode, now=NOW).dropout is None


def test_an_ended_episode_raises_nothing() -> None:
    episode = episode_in()
    steady_baseline(episode)
    check_in(episode, 4, 3)
    Alert.objects.filter(episode=episode).delete()
    type(episode).objects.filter(pk=episode.pk).update(state=EpisodeState.ENDED)
    episode.refresh_from_db()
    result = evaluate_episode(episode, now=NOW)
    assert result.rupture.level is Level.ALERT
    assert result.raised == ()


def test_evaluation_takes_a_handful_of_queries(django_assert_max_num_queries) -> None:
    clinic = make_clinic()
    clinic_history(clinic, n=35, intake=16, changes=(-2, -3, -4))
    episode = episode_in(clinic)
    steady_baseline(episode)
    for session in (1, 2, 3):
        phq9(episode, session, 15)
    for weeks_ago in (3, 2, 1):
        do_record_outcome(
            episode.therapist,
            session=past_session(episode, weeks_ago),
            outcome="held",
            actual_start=NOW - dt.timedelta(weeks=weeks_ago),
            actual_end=NOW - dt.timedelta(weeks=weeks_ago) + dt.timedelta(minutes=50),
        )
    _dropout_model(clinic)
    episode = type(episode).objects.get(pk=episode.pk)
    # responses, sessions, alerts, the clinic, the dropout model, and (3 sessions held: the
    # review is due) whether a fit review is open; the history is cached.
    with django_assert_max_num_queries(6):
        result = evaluate_episode(episode, now=NOW)
    assert result.raised == ()
    assert set(result.tracks) == {"phq-9"}
    assert result.dropout is not None
