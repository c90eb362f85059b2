"""What is due, and how someone is doing: the numbers the check-in and results pages show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import formats, timezone

from alliance.care.models import Episode
from alliance.core.measures import Instrument, classify_instrument_change
from alliance.measures import registry
from alliance.measures.models import Response
from alliance.measures.schedules import load_due_one


def due_for_client(episode: Episode, now: dt.datetime) -> list[Instrument]:
    """The client's questionnaires due now, in schedule order (measures.schedules)."""
    return [due.instrument for due in load_due_one(episode, now).client]


def due_for_therapist(episode: Episode, now: dt.datetime | None = None) -> list[Instrument]:
    """The therapist's questionnaires due now, in schedule order (measures.schedules)."""
    return [due.instrument for due in load_due_one(episode, now or timezone.now()).therapist]


@dataclass
class Point:
    response: Response
    change: float | None = None
    category: str = ""
    band_label: str = ""


@dataclass
class Series:
    instrument: Instrument
    respondent_role: str
    points: list[Point] = field(default_factory=list)
    summary: str = ""

    @property
    def chart(self) -> dict[str, object]:
        """Plain data for the chart script (static/js/charts.js)."""
        cutoff = self.instrument.clinical_cutoff
        return {
            "title": self.instrument.title,
            "labels": [
                formats.date_format(timezone.localtime(p.response.administered_at), "j M")
                for p in self.points
            ],
            "values": [p.response.total for p in self.points],
            "min": self.instrument.total.minimum,
            "max": self.instrument.total.maximum,
            "cutoff": cutoff.value if cutoff else None,
            "higher_is_better": self.instrument.total.direction.value == "higher_is_better",
        }


def build_series(responses: QuerySet[Response]) -> list[Series]:
    """One series per instrument and respondent, oldest first, with change since the first."""
    series: dict[tuple[str, str], Series] = {}
    for response in responses.filter(superseded_by__isnull=True).order_by("administered_at", "pk"):
        key = (response.instrument, response.respondent_role)
        if key not in series:
            series[key] = Series(registry.get_key(response.instrument), response.respondent_role)
        series[key].points.append(Point(response))
    for one in series.values():
        _add_change(one)
    return sorted(series.values(), key=lambda s: (s.respondent_role, s.instrument.id))


def _add_change(series: Series) -> None:
    first = series.points[0].response.total
    bands = series.instrument.bands
    labels = {band.code: band.label for band in bands.ranges} if bands else {}
    for point in series.points:
        point.band_label = labels.get(point.response.band, "")
        point.change = point.response.total - first
        if series.instrument.reliable_change is not None and point is not series.points[0]:
            result = classify_instrument_change(series.instrument, first, point.response.total)
            point.category = result.category.value.replace("_", " ")
    last = series.points[-1]
    series.summary = (
        f"{len(series.points)} answers; latest {last.response.total:g}"
        + (f" ({last.band_label.lower()})" if last.band_label else "")
        + (f", {last.change:+g} since the first" if len(series.points) > 1 else "")
        + (f" — {last.category}" if last.category else "")
    )
