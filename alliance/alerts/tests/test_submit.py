"""Submitting responses: scored on the server, immutable, audited, alerts in one transaction."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.alerts.models import Alert
from alliance.audit.models import AuditEvent
from alliance.care.actions.episodes import do_start_episode
from alliance.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from alliance.core.measures import score_response
from alliance.measures import registry
from alliance.measures.actions import do_correct_response, do_submit_check_in, do_submit_response
from alliance.measures.models import Response, ResponseImmutableError
from alliance.measures.tests.factories import hold_session
from tests.factories import make_client, make_clinic, make_therapist

PHQ9 = [f"phq9-{n}" for n in range(1, 10)]
CHECK_IN = {"checkin-bond": 3, "checkin-goals": 3, "checkin-collaboration": 2, "checkin-frame": 4}


def _episode():
    clinic = make_clinic()
    client, therapist = make_client(clinic=clinic), make_therapist(clinic=clinic)
    return do_start_episode(
        None, client=client, therapist=therapist, started_on=dt.date(2026, 10, 1)
    )


def _submit(episode, answers, instrument="phq-9", key="k1", actor=None):
    return do_submit_response(
        actor or episode.client,
        instrument_id=instrument,
        answers=answers,
        client=episode.client,
        episode=episode,
        submission_key=key,
    )


def test_response_is_stored_with_its_scores(db: None) -> None:
    episode = _episode()
    # 1+2+0+1+3+0+1+0+0 = 8 → "mild" (5–9); item 9 = 0 → no risk flag.
    response = _submit(episode, dict(zip(PHQ9, [1, 2, 0, 1, 3, 0, 1, 0, 0], strict=True)))
    response.refresh_from_db()
    assert (response.total, response.band, response.critical) == (8.0, "mild", False)
    assert response.instrument_version == registry.get_key("phq-9").version
    assert response.respondent_role == "client"
    assert not Alert.objects.exists()
    event = AuditEvent.objects.get(action="measures.response.submitted")
    assert event.data == {"instrument": "phq-9"}


def test_risk_answer_opens_a_safety_alert_for_the_treating_therapist(db: None) -> None:
    episode = _episode()
    # Total 1 (minimal) — a low total never suppresses the alert.
    response = _submit(episode, dict(zip(PHQ9, [0] * 8 + [1], strict=True)))
    alert = Alert.objects.get()
    assert (alert.therapist, alert.episode, alert.response, alert.rule) == (
        episode.therapist,
        episode,
        response,
        "phq-9:item9_risk",
    )
    assert response.total == 1 and response.critical


def test_the_audit_trail_never_says_how_anyone_answered(db: None) -> None:
    episode = _episode()
    _submit(episode, dict(zip(PHQ9, [3] * 9, strict=True)))
    payloads = list(AuditEvent.objects.values_list("data", flat=True))
    assert Alert.objects.exists()
    for payload in payloads:
        assert set(payload) <= {"instrument", "role", "clinic", "source"}, payload
        assert not any(
            "item9" in str(value) or "critical" in str(value) for value in payload.values()
        )


def test_an_ended_episode_takes_no_new_answers(db: None) -> None:
    episode = _episode()
    first = _submit(episode, CHECK_IN, instrument="alliance-checkin-client", key="before-end")
    episode.state = "ended"
    episode.save()
    with pytest.raises(Conflict):
        _submit(episode, CHECK_IN, instrument="alliance-checkin-client", key="after-end")
    assert Response.objects.count() == 1
    # A correction of an earlier answer is still possible.
    do_correct_response(
        episode.client,
        original=first,
        answers=CHECK_IN,
        reason="typo",
        submission_key="fix-after-end",
    )
    assert Response.objects.count() == 2


def test_check_ins_on_the_same_day_share_a_session_number(db: None) -> None:
    # Session numbers count held sessions (measures.schedules.session_of): the first session is
    # held on day 1, the second on day 8.
    episode = _episode()
    day1 = dt.datetime(2026, 11, 2, 18, tzinfo=dt.UTC)
    hold_session(episode, day1 - dt.timedelta(hours=2))
    hold_session(episode, day1 + dt.timedelta(days=7, hours=-2))
    with time_machine.travel(day1, tick=False) as clock:
        first = do_submit_check_in(
            episode.client,
            episode=episode,
            answers_by_instrument={"alliance-checkin-client": CHECK_IN},
            submission_key="day1-a",
        )
        clock.shift(dt.timedelta(hours=1))
        again = do_submit_check_in(
            episode.client,
            episode=episode,
            answers_by_instrument={"alliance-checkin-client": CHECK_IN},
            submission_key="day1-b",
        )
        clock.shift(dt.timedelta(days=7))
        next_week = do_submit_check_in(
            episode.client,
            episode=episode,
            answers_by_instrument={"alliance-checkin-client": CHECK_IN},
            submission_key="day8",
        )
    assert [first[0].session_number, again[0].session_number, next_week[0].session_number] == [
        1,
        1,
        2,
    ]


def test_core10_risk_item_opens_a_safety_alert(db: None) -> None:
    episode = _episode()
    answers = {f"core10-{n}": 0 for n in range(1, 11)} | {"core10-6": 2}
    _submit(episode, answers, instrument="core-10")
    assert Alert.objects.get().rule == "core-10:item6_risk"


def test_alert_failure_rolls_back_the_response(db: None, monkeypatch) -> None:
    episode = _episode()

    def broken(*args, **kwargs):
        raise DatabaseError("alert table unavailable")

    monkeypatch.setattr("alliance.alerts.receivers.do_open_safety_alerts", broken)
    with pytest.raises(DatabaseError):
        _submit(episode, dict(zip(PHQ9, [0] * 8 + [2], strict=True)))
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(action="measures.response.submitted").exists()


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (dict(zip(PHQ9, [1] * 8 + [4], strict=True)), "answer_out_of_range"),
        (dict(zip(PHQ9[:8], [1] * 8, strict=True)), "incomplete"),
        ({**dict(zip(PHQ9, [1] * 9, strict=True)), "phq9-99": 1}, "unknown_item"),
        ({**dict(zip(PHQ9[:8], [1] * 8, strict=True)), "phq9-9": "two"}, "not_a_number"),
        ({**dict(zip(PHQ9[:8], [1] * 8, strict=True)), "phq9-9": True}, "not_a_number"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_stored(db: None, answers, code) -> None:
    episode = _episode()
    with pytest.raises(InvalidInput) as caught:
        _submit(episode, answers)
    assert caught.value.code == code
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="measures.").exists()


def test_unknown_instrument_and_unlicensed_wording_are_refused(db: None) -> None:
    episode = _episode()
    with pytest.raises(NotFound):
        _submit(episode, {}, instrument="oq-45")
    with pytest.raises(InvalidInput, match="wording is not included") as caught:
        _submit(episode, {f"wai-sr-{n}": 3 for n in range(1, 13)}, instrument="wai-sr")
    assert caught.value.code == "instrument_not_licensed"
    assert not Response.objects.exists()


def test_only_the_right_respondent_may_answer(db: None) -> None:
    episode = _episode()
    with pytest.raises(PermissionDenied):
        _submit(episode, CHECK_IN, instrument="alliance-checkin-client", actor=episode.therapist)
    with pytest.raises(PermissionDenied):
        _submit(episode, CHECK_IN, instrument="alliance-checkin-therapist", actor=episode.client)
    instrument = registry.get_key("alliance-checkin-therapist")
    therapist_view = dict(
        zip([i.link_id for i in instrument.scored_items], [3, 3, 3, 3], strict=True)
    )
    response = _submit(
        episode, therapist_view, instrument="alliance-checkin-therapist", actor=episode.therapist
    )
    assert response.respondent_role == "therapist"


def test_double_submission_stores_one_response(db: None) -> None:
    episode = _episode()
    first = _submit(episode, CHECK_IN, instrument="alliance-checkin-client", key="same")
    again = _submit(episode, CHECK_IN, instrument="alliance-checkin-client", key="same")
    assert first.pk == again.pk
    assert Response.objects.count() == 1


def test_responses_are_immutable_in_code_and_in_the_database(db: None) -> None:
    response = _submit(_episode(), dict(zip(PHQ9, [1] * 9, strict=True)))
    response.total = 0
    with pytest.raises(ResponseImmutableError):
        response.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE measures_response SET total = 0 WHERE id = %s", [response.pk])
    response.refresh_from_db()
    assert response.total == 9


def test_correction_supersedes_and_both_are_audited(db: None) -> None:
    episode = _episode()
    original = _submit(episode, CHECK_IN, instrument="alliance-checkin-client")
    fixed = do_correct_response(
        episode.client,
        original=original,
        answers={**CHECK_IN, "checkin-bond": 1},
        reason="tapped the wrong box",
        submission_key="fix-1",
    )
    assert fixed.supersedes == original
    assert fixed.total == original.total - 2
    assert fixed.administered_at == original.administered_at
    actions = list(
        AuditEvent.objects.filter(action__startswith="measures.").values_list("action", flat=True)
    )
    assert actions == ["measures.response.submitted", "measures.response.corrected"]
    with pytest.raises(InvalidInput):
        do_correct_response(
            episode.client,
            original=original,
            answers=CHECK_IN,
            reason="again",
            submission_key="fix-2",
        )


@pytest.mark.slow
@pytest.mark.parametrize("first", range(4))
def test_every_phq9_answer_vector_flags_risk_exactly_when_item9_is_above_zero(first: int) -> None:
    # All 4^9 = 262,144 vectors through the real scoring function, in four parts by the first
    # answer: the item 9 rule (Simon et al. 2013) holds for every possible form.
    instrument = registry.get_key("phq-9")
    for rest in itertools.product(range(4), repeat=8):
        values = (first, *rest)
        score = score_response(instrument, dict(zip(PHQ9, values, strict=True)))
        assert score.critical == (values[8] > 0)
        assert score.total == sum(values)


class StoredAlertProperty(TestCase):
    """Through the database: a response is stored with an alert iff item 9 > 0."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
    def test_alert_exists_iff_item9_positive(self, values: list[int]) -> None:
        episode = _episode()
        response = _submit(episode, dict(zip(PHQ9, values, strict=True)), key="prop")
        assert Alert.objects.filter(response=response).exists() == (values[8] > 0)
        assert response.total == sum(values)
