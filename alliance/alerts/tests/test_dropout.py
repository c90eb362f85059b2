"""The dropout model's training data and the `alliance alerts fit-dropout` command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from alliance.accounts.models import Role, User
from alliance.alerts.dropout import build_training_examples
from alliance.alerts.models import DropoutModelFit
from alliance.alerts.tests.helpers import UTC
from alliance.audit.models import AuditEvent
from alliance.care.models import EndReason, Episode, EpisodeState, Notice, Session, SessionStatus
from alliance.measures.models import RespondentRole, Response
from tests.factories import make_clinic, make_therapist

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2025, 1, 6, 8, tzinfo=UTC)


def _past_episode(
    clinic, therapist, n: int, reason: str, weeks: list[tuple[str, int | None, int | None]]
):
    """An ended episode; ``weeks`` holds (status, check-in total, PHQ-9 total) per weekly
    session, the session starting ``n`` hours after Monday 6 January 2025 08:00 UTC."""
    client = User.objects.create(
        email=f"past{n}@example.org", first_name="Past", role=Role.CLIENT, clinic=clinic
    )
    episode = Episode.objects.create(
        clinic=clinic,
        client=client,
        therapist=therapist,
        state=EpisodeState.ENDED,
        end_reason=reason,
        started_on=MONDAY.date(),
        ended_on=(MONDAY + dt.timedelta(weeks=len(weeks))).date(),
    )
    for week, (status, checkin, phq9) in enumerate(weeks):
        starts = MONDAY + dt.timedelta(weeks=week, hours=n)
        late = status == "late_cancel"
        Session.objects.create(
            episode=episode,
            client=client,
            therapist=therapist,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=50),
            status=SessionStatus.CANCELLED if late else status,
            notice=Notice.LATE if late else Notice.NONE,
            cancelled_by=client if late else None,
        )
        for instrument, total in (("alliance-checkin-client", checkin), ("phq-9", phq9)):
            if total is not None:
                at = starts + dt.timedelta(minutes=50)
                Response.objects.create(
                    client=client,
                    episode=episode,
                    respondent=client,
                    respondent_role=RespondentRole.CLIENT,
                    instrument=instrument,
                    instrument_version="1.0.0",
                    session_number=week + 1,
                    answers={},
                    total=total,
                    administered_at=at,
                    created_at=at,
                    submission_key=f"past-{n}-{week}-{instrument}",
                )
    return episode


def test_features_are_taken_as_of_the_fourth_counted_session() -> None:
    clinic = make_clinic()
    _past_episode(
        clinic,
        make_therapist(clinic=clinic),
        0,
        EndReason.DROPOUT,
        [
            ("held", 10, 15),
            ("late_cancel", None, None),
            ("held", 12, 12),
            ("held", 16, 3),  # the 4th counted session: the prediction point, not used
            ("held", 16, 3),
        ],
    )
    (example,) = build_training_examples(clinic)
    assert example.dropped_out
    assert example.features == {
        "early_alliance": 11.0,  # (10 + 12) / 2
        "attendance": 2 / 3,
        "change_so_far": -0.5,  # (12 - 15) / 6
        "days_since_last": 7.0,
    }


def test_episodes_short_of_the_prediction_point_or_ended_otherwise_are_left_out() -> None:
    clinic = make_clinic()
    therapist = make_therapist(clinic=clinic)
    _past_episode(
        clinic, therapist, 0, EndReason.DROPOUT, [("held", 10, 15), ("no_show", None, None)]
    )
    _past_episode(clinic, therapist, 1, EndReason.REMATCH, [("held", 10, 15)] * 4)
    assert build_training_examples(clinic) == []


def _history(clinic, n: int = 60) -> None:
    """A third drop out: they miss every other session and rate the alliance lower."""
    therapist = make_therapist(clinic=clinic)
    for i in range(n):
        if i % 3 == 0:
            weeks = [("held", 9 + i % 4, 16), ("no_show", None, None)] * 2
        else:
            weeks = [("held", 12 + i % 4, 16 - week) for week in range(5)]
            if i % 5 == 0:
                weeks[2] = ("no_show", None, None)
        reason = EndReason.DROPOUT if i % 3 == 0 else EndReason.PLANNED
        _past_episode(clinic, therapist, i, reason, weeks)


def test_the_command_fits_validates_and_prints_the_figures(capsys) -> None:
    clinic = make_clinic(slug="small-clinic")
    _history(clinic)
    call_command("alerts", "fit-dropout", "--clinic", "small-clinic")
    out = capsys.readouterr().out
    assert "small-clinic: dropout model fitted on 60 ended episodes (20 dropped out" in out
    assert "held-out validation (seed 0, 42 train / 18 test): AUC " in out
    fit = DropoutModelFit.objects.get(clinic=clinic)
    assert set(fit.validation) >= {"auc", "brier", "calibration", "n_train", "n_test"}
    assert 0.5 < fit.validation["auc"] <= 1
    assert sum(count for _, _, count in fit.validation["calibration"]) == 18
    assert fit.model["coefficients"]["attendance"] < 0
    assert AuditEvent.objects.filter(action="alerts.dropout_model.fitted").count() == 1


def test_too_little_history_is_refused_with_exit_code_2() -> None:
    clinic = make_clinic(slug="tiny")
    _history(clinic, n=9)
    with pytest.raises(CommandError) as refused:
        call_command("alerts", "fit-dropout", "--clinic", "tiny")
    assert refused.value.returncode == 2
    assert not DropoutModelFit.objects.exists()
    with pytest.raises(CommandError):
        call_command("alerts", "fit-dropout", "--clinic", "no-such-clinic")
