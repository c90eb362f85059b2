"""The clinic's dropout model: features from the database and training examples (fitting and
storing a model is ``alerts.actions.do_fit_dropout_model``).

The model itself is ``core.monitoring.dropout``; this module decides what its four features mean
in our data, the same way for training and for live prediction (docs/dropout-model.md):

- A **counted session** is one the client was expected at: held, a no-show, or cancelled by the
  client with late notice. Early cancellations are rescheduling and cancellations by the
  therapist say nothing about the client's engagement: neither counts.
- The **prediction point** is "as of session 4": a prediction needs 3 counted sessions before
  it. For a past episode it is the start of its 4th counted session, or the end of the day it
  ended if it ended before a 4th; for a running episode it is now.
- ``early_alliance``: mean client Alliance Check-in total over the first 3 check-ins (by session
  number) before the prediction point; no check-in at all → no prediction.
- ``attendance``: held / counted sessions before the prediction point.
- ``change_so_far``: (latest PHQ-9 - first PHQ-9) / 6 points (its reliable-change threshold,
  NHS Talking Therapies manual), negative = improving; 0 without two PHQ-9s.
- ``days_since_last``: days from the start of the last held session to the prediction point (from
  the first counted session if none was held).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from alliance.accounts.models import Clinic
from alliance.alerts.models import DropoutModelFit
from alliance.care.models import EndReason, Episode, EpisodeState, Notice, Session, SessionStatus
from alliance.core.monitoring import (
    DropoutModel,
    Example,
    model_from_json,
)
from alliance.measures import registry
from alliance.measures.models import RespondentRole, Response

CHECKIN = "alliance-checkin-client"
PRIMARY_OUTCOME = "phq-9"
SESSIONS_BEFORE_PREDICTION = 3
EARLY_CHECKINS = 3
# A clinic refits nightly at most; the expiry bounds staleness on servers sharing no cache.
MODEL_SECONDS: Final = 600
_MISSING: Final = object()


@dataclass(frozen=True)
class SessionFact:
    """A decided session (not ``scheduled``): its start, status, notice and who cancelled."""

    starts_at: dt.datetime
    status: str
    notice: str
    by_therapist: bool

    @property
    def counted(self) -> bool:
        """Whether the client was expected at it (see the module docstring)."""
        if self.status in (SessionStatus.HELD, SessionStatus.NO_SHOW):
            return True
        return (
            self.status == SessionStatus.CANCELLED
            and self.notice == Notice.LATE
            and not self.by_therapist
        )


@dataclass(frozen=True)
class Scored:
    """One response total on the episode's own session numbering."""

    session_number: int
    total: float
    administered_at: dt.datetime


def primary_rci() -> float:
    threshold = registry.get_key(PRIMARY_OUTCOME).reliable_change
    assert threshold is not None, "the PHQ-9 definition carries its reliable-change threshold"
    return threshold.points


def compute_dropout_features(
    *,
    sessions: Sequence[SessionFact],
    checkins: Sequence[Scored],
    outcomes: Sequence[Scored],
    as_of: dt.datetime,
    rci: float,
) -> dict[str, float] | None:
    """The four features as of ``as_of``, or ``None`` before the prediction point (fewer than 3
    counted sessions) or without a client check-in."""
    counted = sorted((s for s in sessions if s.counted and s.starts_at < as_of), key=_start)
    early = sorted((c for c in checkins if c.administered_at < as_of), key=_number)
    if len(counted) < SESSIONS_BEFORE_PREDICTION or not early:
        return None
    first_checkins = early[:EARLY_CHECKINS]
    held = [s for s in counted if s.status == SessionStatus.HELD]
    scores = sorted((o for o in outcomes if o.administered_at < as_of), key=_time)
    change = (scores[-1].total - scores[0].total) / rci if len(scores) >= 2 else 0.0
    since = held[-1].starts_at if held else counted[0].starts_at
    return {
        "early_alliance": sum(c.total for c in first_checkins) / len(first_checkins),
        "attendance": len(held) / len(counted),
        "change_so_far": change,
        "days_since_last": max(0.0, (as_of - since).total_seconds() / 86400),
    }


def _start(fact: SessionFact) -> dt.datetime:
    return fact.starts_at


def _number(scored: Scored) -> int:
    return scored.session_number


def _time(scored: Scored) -> dt.datetime:
    return scored.administered_at


def training_as_of(sessions: Sequence[SessionFact], ended_on: dt.date | None) -> dt.datetime:
    """The prediction point of a past episode (see the module docstring)."""
    counted = sorted((s for s in sessions if s.counted), key=_start)
    if len(counted) > SESSIONS_BEFORE_PREDICTION:
        return counted[SESSIONS_BEFORE_PREDICTION].starts_at
    day = ended_on or timezone.localdate()
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(midnight)


def build_training_examples(clinic: Clinic) -> list[Example]:
    """One example per ended episode of the clinic that ended as a dropout or a planned ending
    and reached the prediction point; three queries whatever the size of the history."""
    episodes = Episode.objects.filter(
        clinic=clinic,
        state=EpisodeState.ENDED,
        end_reason__in=[EndReason.DROPOUT, EndReason.PLANNED],
    )
    rows = list(episodes.order_by("pk").values_list("pk", "ended_on", "end_reason"))
    sessions = load_session_facts(Session.objects.filter(episode__in=episodes.values("pk")))
    checkins, outcomes = load_scores(Response.objects.filter(episode__in=episodes.values("pk")))
    rci = primary_rci()
    examples = []
    for pk, ended_on, end_reason in rows:
        facts = sessions.get(pk, [])
        features = compute_dropout_features(
            sessions=facts,
            checkins=checkins.get(pk, []),
            outcomes=outcomes.get(pk, []),
            as_of=training_as_of(facts, ended_on),
            rci=rci,
        )
        if features is not None:
            examples.append(Example(features, end_reason == EndReason.DROPOUT))
    return examples


def load_session_facts(sessions: QuerySet[Session]) -> dict[int, list[SessionFact]]:
    """Decided sessions per episode id, from a ``Session`` queryset (one query)."""
    rows = (
        sessions.exclude(status=SessionStatus.SCHEDULED)
        .order_by("starts_at", "pk")
        .values_list(
            "episode_id", "starts_at", "status", "notice", "cancelled_by_id", "therapist_id"
        )
    )
    facts: dict[int, list[SessionFact]] = defaultdict(list)
    for episode_id, starts_at, status, notice, cancelled_by, therapist in rows:
        by_therapist = cancelled_by is not None and cancelled_by == therapist
        facts[episode_id].append(SessionFact(starts_at, status, notice, by_therapist))
    return facts


def load_scores(
    responses: QuerySet[Response],
) -> tuple[dict[int, list[Scored]], dict[int, list[Scored]]]:
    """Client check-ins and primary-outcome scores per episode id (one query), the latest
    response for each session number, corrections applied."""
    rows = (
        responses.filter(
            instrument__in=[CHECKIN, PRIMARY_OUTCOME],
            respondent_role=RespondentRole.CLIENT,
            session_number__isnull=False,
            superseded_by__isnull=True,
        )
        .order_by("administered_at", "pk")
        .values_list("episode_id", "instrument", "session_number", "total", "administered_at")
    )
    latest: dict[tuple[int, str], dict[int, Scored]] = defaultdict(dict)
    for episode_id, instrument, number, total, at in rows:
        if number is not None:  # filtered out above; narrows the type
            latest[(episode_id, instrument)][number] = Scored(number, total, at)
    checkins: dict[int, list[Scored]] = defaultdict(list)
    outcomes: dict[int, list[Scored]] = defaultdict(list)
    for (episode_id, instrument), by_number in latest.items():
        target = checkins if instrument == CHECKIN else outcomes
        target[episode_id] = sorted(by_number.values(), key=_number)
    return checkins, outcomes


def latest_dropout_model(clinic_id: int) -> tuple[DropoutModelFit, DropoutModel] | None:
    """The clinic's newest fitted model, through the cache (storing a fit clears it)."""
    key = DropoutModelFit.cache_key(clinic_id)
    cached = cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cast(tuple[DropoutModelFit, DropoutModel] | None, cached)
    fit = DropoutModelFit.objects.filter(clinic_id=clinic_id).order_by("-fitted_at", "-pk").first()
    latest = None if fit is None else (fit, model_from_json(fit.model))
    cache.set(key, latest, MODEL_SECONDS)
    return latest


def features_by_name(features: Mapping[str, float]) -> dict[str, float]:
    """Rounded copies for an explanation (4 decimals: enough to recompute the risk)."""
    return {name: round(value, 4) for name, value in features.items()}
