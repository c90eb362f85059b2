"""Trajectory charts: the alliance and the outcome measures over time, with the lines a reader
needs to judge a score, and the same numbers as a table and in sentences.

- **Clinical cut-off**: the instrument's own, with its source in the definition file.
- **Reliable-change band**: baseline ± the instrument's reliable-change threshold in raw points
  (Jacobson & Truax 1991; PHQ-9 6 and GAD-7 4 from the NHS Talking Therapies manual). A score
  outside it is a reliable change from the baseline. The baseline is the first score of the
  episode; after a resume, the first score on or after ``Episode.baseline_from``. Earlier scores
  stay on the chart, outside the bands.
- **Expected band** (therapists only): :func:`core.monitoring.trajectory.expected_trajectory`
  from the clinic's other episodes on the same instrument, by session index counted from the
  baseline (1 = baseline), with that module's reliable-change fallback when history is thin.
  Session indices use the session number each response stores, as the not-on-track alert does
  (alerts.monitoring), so the band drawn is the band the alert compares with, except that the
  fallback here is drawn at the threshold itself (``rci = points``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from django.db.models import QuerySet
from django.utils import formats, timezone

from alliance.core.errors import InvalidInput
from alliance.core.measures import ChangeResult, Instrument, classify_instrument_change
from alliance.core.measures.change import ChangeCategory, ReliableChange
from alliance.core.measures.definitions import Direction
from alliance.core.monitoring.trajectory import (
    GAD7_STRATA,
    PHQ9_STRATA,
    Course,
    ExpectedTrajectory,
    assess_track,
    expected_trajectory,
)
from alliance.measures import registry
from alliance.measures.history import load_clinic_courses
from alliance.measures.models import Response

CHECKIN_CLIENT: Final = "alliance-checkin-client"
CHECKIN_THERAPIST: Final = "alliance-checkin-therapist"
ALLIANCE: Final = (CHECKIN_CLIENT, CHECKIN_THERAPIST)
# The outcome measures charted with bands, and their severity strata (Kroenke et al. 2001;
# Spitzer et al. 2006; CORE-10 bands are disputed, so its history is not stratified).
OUTCOMES: Final[Mapping[str, Sequence[float] | None]] = {
    "phq-9": PHQ9_STRATA,
    "gad-7": GAD7_STRATA,
    "core-10": None,
}
CHARTED: Final = frozenset({*ALLIANCE, *OUTCOMES})


@dataclass(frozen=True)
class Mark:
    """One current (not superseded) score."""

    at: dt.datetime
    total: float
    session_number: int | None
    band: str
    critical: bool
    corrected: bool

    @property
    def on(self) -> dt.date:
        return timezone.localdate(self.at)


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    median: float | None = None


@dataclass(frozen=True)
class ChartRow:
    """One score as the table under a chart shows it."""

    mark: Mark
    band_label: str
    session_index: int | None  # counted from the baseline (1); None before it
    change: float | None  # since the baseline
    reliable: Band | None
    expected: Band | None

    @property
    def is_baseline(self) -> bool:
        return self.session_index == 1

    @property
    def before_baseline(self) -> bool:
        return self.session_index is None


@dataclass(frozen=True)
class OutcomeChart:
    dom_id: str
    instrument: Instrument
    rows: tuple[ChartRow, ...]
    baseline: Mark | None
    change: ChangeResult | None
    expected: ExpectedTrajectory | None
    expected_note: str
    summary: str
    client_summary: str
    data: dict[str, object]

    @property
    def latest(self) -> ChartRow:
        return self.rows[-1]


@dataclass(frozen=True)
class AllianceRow:
    on: dt.date
    client: float | None
    therapist: float | None


@dataclass(frozen=True)
class AllianceChart:
    dom_id: str
    instrument: Instrument
    rows: tuple[AllianceRow, ...]
    summary: str
    client_summary: str
    data: dict[str, object]
    with_therapist: bool


def load_marks(responses: QuerySet[Response]) -> dict[tuple[str, str], list[Mark]]:
    """Current scores by (instrument id, respondent role), oldest first: one query."""
    rows = (
        responses.filter(superseded_by__isnull=True)
        .order_by("administered_at", "pk")
        .values_list(
            "instrument",
            "respondent_role",
            "administered_at",
            "total",
            "session_number",
            "band",
            "critical",
            "supersedes_id",
        )
    )
    marks: dict[tuple[str, str], list[Mark]] = {}
    for instrument, role, at, total, number, band, critical, supersedes in rows:
        mark = Mark(at, total, number, band, critical, supersedes is not None)
        marks.setdefault((instrument, role), []).append(mark)
    return marks


def load_history(clinic_id: int, instrument_id: str, *, exclude_episode: int) -> list[Course]:
    """The clinic's other courses on ``instrument_id`` (:func:`history.load_clinic_courses`)."""
    courses = load_clinic_courses(clinic_id, instrument_id)
    return [course for pk, course in courses.items() if pk != exclude_episode]


def baseline_index(marks: Sequence[Mark], since: dt.date | None) -> int | None:
    """Index of the baseline: the first mark (on or after ``since`` when given)."""
    return next((i for i, m in enumerate(marks) if since is None or m.on >= since), None)


def build_outcome_chart(
    instrument: Instrument,
    marks: Sequence[Mark],
    *,
    since: dt.date | None,
    history: Sequence[Course] | None,
    dom_id: str,
) -> OutcomeChart:
    """The chart of one outcome measure. ``history`` ``None``: no expected band (clients)."""
    start = baseline_index(marks, since)
    baseline = marks[start] if start is not None else None
    indices = _session_indices(marks, start)
    expected, note = _expected(instrument, baseline, history)
    rci = instrument.reliable_change.points if instrument.reliable_change else None
    rows = tuple(
        _row(instrument, mark, index, baseline, rci, expected)
        for mark, index in zip(marks, indices, strict=True)
    )
    change = None
    if baseline is not None and rci is not None and rows[-1].session_index not in (None, 1):
        change = classify_instrument_change(instrument, baseline.total, marks[-1].total)
    chart = OutcomeChart(
        dom_id=dom_id,
        instrument=instrument,
        rows=rows,
        baseline=baseline,
        change=change,
        expected=expected,
        expected_note=note,
        summary="",
        client_summary="",
        data={},
    )
    return _with_text(chart)


def build_alliance_chart(
    client: Sequence[Mark], therapist: Sequence[Mark] | None, *, dom_id: str = "chart-data-alliance"
) -> AllianceChart:
    """Client and therapist check-ins on one chart, as two lines (never averaged: Alliance's own
    rule). ``therapist`` ``None``: the client's own view, their line only."""
    instrument = registry.get_key(CHECKIN_CLIENT)
    by_day: dict[dt.date, list[float | None]] = {}
    for mark in client:
        by_day.setdefault(mark.on, [None, None])[0] = mark.total
    for mark in therapist or ():
        by_day.setdefault(mark.on, [None, None])[1] = mark.total
    rows = tuple(AllianceRow(day, c, t) for day, (c, t) in sorted(by_day.items()))
    lines = [{"label": "Client's check-in", "values": [r.client for r in rows]}]
    if therapist is not None:
        lines.append({"label": "Therapist's view", "values": [r.therapist for r in rows]})
    data: dict[str, object] = {
        "title": "Alliance Check-in",
        "labels": [_label(r.on) for r in rows],
        "lines": lines,
        "min": instrument.total.minimum,
        "max": instrument.total.maximum,
        "cutoff": None,
        "higher_is_better": True,
    }
    top = f"{instrument.total.maximum:g}"
    summary = " ".join(
        part
        for part in (
            _list_sentence("Client check-ins", [r.client for r in rows], top),
            _list_sentence("Therapist check-ins", [r.therapist for r in rows], top)
            if therapist is not None
            else "",
        )
        if part
    )
    mine = [r.client for r in rows if r.client is not None]
    client_summary = (
        f"Your check-ins so far: {', '.join(f'{v:g}' for v in mine)} (out of {top}; "
        "higher means the sessions felt better to you)."
        if mine
        else "You have not done a check-in yet."
    )
    return AllianceChart(
        dom_id, instrument, rows, summary, client_summary, data, therapist is not None
    )


def short_name(instrument: Instrument) -> str:
    """The abbreviation in the title ("PHQ-9" for "Patient Health Questionnaire-9 (PHQ-9)"),
    else the title without a respondent suffix ("Alliance Check-in")."""
    for inner in re.findall(r"\(([^)]+)\)", instrument.title):
        if inner == inner.upper():
            return str(inner)
    return re.sub(r" \((client|therapist)\)$", "", instrument.title)


# --- helpers ----------------------------------------------------------------------------------


def _session_indices(marks: Sequence[Mark], start: int | None) -> list[int | None]:
    if start is None:
        return [None] * len(marks)
    first = marks[start].session_number
    indices: list[int | None] = [None] * start
    for offset, mark in enumerate(marks[start:]):
        number = mark.session_number
        by_number = number - first + 1 if number is not None and first is not None else None
        indices.append(max(1, by_number) if by_number is not None else offset + 1)
    return indices


def _expected(
    instrument: Instrument, baseline: Mark | None, history: Sequence[Course] | None
) -> tuple[ExpectedTrajectory | None, str]:
    if history is None or baseline is None or instrument.id not in OUTCOMES:
        return None, ""
    rci = instrument.reliable_change.points if instrument.reliable_change else None
    try:
        trajectory = expected_trajectory(
            short_name(instrument),
            baseline.total,
            history,
            lower_is_better=instrument.total.direction is Direction.HIGHER_IS_WORSE,
            strata=OUTCOMES[instrument.id],
            rci=rci,
        )
    except InvalidInput as exc:
        return None, f"No expected range: {exc.detail}"
    note = (
        f"Expected range for clients with {trajectory.stratum} ({trajectory.source})."
        if not trajectory.is_fallback
        else f"Expected range: {trajectory.source.removeprefix('fallback: ')}; not enough "
        "clinic history yet, so it only marks a reliable change either way."
    )
    return trajectory, note


def _row(
    instrument: Instrument,
    mark: Mark,
    index: int | None,
    baseline: Mark | None,
    rci: float | None,
    expected: ExpectedTrajectory | None,
) -> ChartRow:
    labels = {band.code: band.label for band in instrument.bands.ranges} if instrument.bands else {}
    if index is None or baseline is None:
        return ChartRow(mark, labels.get(mark.band, ""), None, None, None, None)
    reliable = Band(baseline.total - rci, baseline.total + rci) if rci is not None else None
    band: Band | None = None
    if expected is not None:
        if index == 1:
            band = Band(baseline.total, baseline.total, baseline.total)
        else:
            found = expected.band_for(index)
            if found is not None:
                band = Band(found.low, found.high, found.median)
    change = round(mark.total - baseline.total, 2)
    return ChartRow(mark, labels.get(mark.band, ""), index, change, reliable, band)


def _with_text(chart: OutcomeChart) -> OutcomeChart:
    return replace(
        chart,
        summary=_therapist_summary(chart),
        client_summary=describe_for_client(chart),
        data=_outcome_data(chart),
    )


def _outcome_data(chart: OutcomeChart) -> dict[str, object]:
    instrument = chart.instrument
    cutoff = instrument.clinical_cutoff
    data: dict[str, object] = {
        "title": instrument.title,
        "labels": [_label(row.mark.on) for row in chart.rows],
        "lines": [{"label": instrument.title, "values": [row.mark.total for row in chart.rows]}],
        "min": instrument.total.minimum,
        "max": instrument.total.maximum,
        "cutoff": cutoff.value if cutoff else None,
        "higher_is_better": instrument.total.direction is Direction.HIGHER_IS_BETTER,
        "rc_band": None,
        "expected": None,
    }
    if chart.baseline is not None and instrument.reliable_change is not None:
        points = instrument.reliable_change.points
        data["rc_band"] = {
            "label": f"Reliable change from the baseline ({chart.baseline.total:g} ± {points:g})",
            "low": [_num(row.reliable.low if row.reliable else None) for row in chart.rows],
            "high": [_num(row.reliable.high if row.reliable else None) for row in chart.rows],
        }
    if chart.expected is not None:
        data["expected"] = {
            "label": "Expected range (10th to 90th percentile)"
            if not chart.expected.is_fallback
            else "Expected range (no clinic history yet)",
            "low": [_num(row.expected.low if row.expected else None) for row in chart.rows],
            "median": [_num(row.expected.median if row.expected else None) for row in chart.rows],
            "high": [_num(row.expected.high if row.expected else None) for row in chart.rows],
        }
    return data


_CATEGORY_WORDS: Final = {
    ChangeCategory.RECOVERED: "reliable improvement, now below the clinical cut-off",
    ChangeCategory.IMPROVED: "reliable improvement",
    ChangeCategory.UNCHANGED: "no reliable change",
    ChangeCategory.DETERIORATED: "reliable deterioration",
}


def _therapist_summary(chart: OutcomeChart) -> str:
    title, baseline, latest = short_name(chart.instrument), chart.baseline, chart.latest
    if baseline is None:
        return f"{title}: no score since the fresh baseline yet."
    parts = [f"{title}: baseline {baseline.total:g} on {_long(baseline.on)}"]
    if latest.session_index not in (None, 1):
        parts.append(
            f"; latest {latest.mark.total:g} on {_long(latest.mark.on)} "
            f"({latest.change:+g} since the baseline)"
        )
        if chart.change is not None:
            parts.append(
                f": {_CATEGORY_WORDS[chart.change.category]} "
                f"(reliable change is {chart.change.threshold:g} points or more)"
            )
    text = "".join(parts) + "."
    if chart.expected is not None and latest.session_index not in (None, 1):
        assert latest.session_index is not None
        track = assess_track(chart.expected, latest.session_index, latest.mark.total)
        text += " " + track.text
    return text


def describe_for_client(chart: OutcomeChart) -> str:
    """One kind, plain sentence about the change since the baseline: no jargon, no bands."""
    title, baseline, latest = short_name(chart.instrument), chart.baseline, chart.latest
    if baseline is None or latest.session_index in (None, 1):
        score = latest.mark.total if baseline is None else baseline.total
        return f"Your first {title} score here was {score:g}. Later answers will show the change."
    went = f"Your {title} went from {baseline.total:g} to {latest.mark.total:g}"
    if chart.change is None:
        return f"{went}."
    reliable = chart.change.reliable_change
    if reliable is ReliableChange.IMPROVEMENT:
        extra = (
            ", and it is now below the level that usually calls for support"
            if chart.change.category is ChangeCategory.RECOVERED
            else ""
        )
        return f"{went}: a reliable improvement{extra}."
    if reliable is ReliableChange.DETERIORATION:
        return (
            f"{went}: a reliable change for the worse. Your therapist sees this too, and it is "
            "worth talking about together."
        )
    return f"{went}: within the usual ups and downs of the questionnaire so far."


def _list_sentence(who: str, values: Sequence[float | None], top: str) -> str:
    given = [f"{v:g}" for v in values if v is not None]
    return f"{who}: {', '.join(given)} (out of {top})." if given else ""


def _label(day: dt.date) -> str:
    return formats.date_format(day, "j M")


def _long(day: dt.date) -> str:
    return formats.date_format(day, "j M Y")


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
