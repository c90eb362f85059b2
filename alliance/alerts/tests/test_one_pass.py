"""A check-in runs the episode's rules once, on the complete check-in, in its transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.alerts import receivers
from alliance.alerts.models import Alert
from alliance.alerts.tests.test_submit import CHECK_IN, PHQ9, _episode
from alliance.audit.models import AuditEvent
from alliance.care.models import Episode
from alliance.measures.actions import do_submit_check_in
from alliance.measures.models import Response


def _gad7(value: int) -> dict[str, int]:
    return {f"gad7-{n}": value for n in range(1, 8)}


@pytest.fixture
def evaluations(monkeypatch) -> list[int]:
    """How many responses of the episode were stored at each evaluation."""
    seen: list[int] = []
    real = receivers.evaluate_episode

    def counting(episode: Episode, *, now: dt.datetime, audit: bool = True):
        seen.append(Response.objects.filter(episode=episode).count())
        return real(episode, now=now, audit=audit)

    monkeypatch.setattr(receivers, "evaluate_episode", counting)
    return seen


def test_three_monitored_questionnaires_are_evaluated_once_all_are_stored(
    db: None, evaluations: list[int]
) -> None:
    episode = _episode()
    do_submit_check_in(
        episode.client,
        episode=episode,
        answers_by_instrument={
            "alliance-checkin-client": CHECK_IN,
            "phq-9": dict.fromkeys(PHQ9, 1),
            "gad-7": _gad7(1),
        },
        submission_key="one-pass",
    )
    assert evaluations == [3]


def test_a_repeated_check_in_evaluates_nothing_again(db: None, evaluations: list[int]) -> None:
    episode = _episode()
    answers = {"alliance-checkin-client": CHECK_IN}
    for _ in range(2):
        do_submit_check_in(
            episode.client, episode=episode, answers_by_instrument=answers, submission_key="k"
        )
    assert evaluations == [1]


def test_a_risk_answer_in_a_check_in_raises_its_safety_alert_in_the_same_pass(
    db: None, evaluations: list[int]
) -> None:
    episode = _episode()
    do_submit_check_in(
        episode.client,
        episode=episode,
        answers_by_instrument={
            "alliance-checkin-client": CHECK_IN,
            "phq-9": dict.fromkeys(PHQ9, 0) | {"phq9-9": 1},
        },
        submission_key="risk",
    )
    assert evaluations == [2]
    assert [a.rule for a in Alert.objects.all()] == ["phq-9:item9_risk"]
    # The alert's event is the client's doing, appended with the check-in's own.
    raised = AuditEvent.objects.get(action="alerts.alert.raised")
    submitted = AuditEvent.objects.filter(action="measures.response.submitted")
    assert raised.actor == episode.client
    assert {e.actor for e in submitted} == {episode.client}
