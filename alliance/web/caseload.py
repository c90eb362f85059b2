"""The therapist's caseload at a glance: one row per open episode, in a fixed number of queries.

Sixty clients must cost what five cost (tests/test_dashboard_queries.py): everything is read
for all episodes at once (check-ins and outcomes, open alerts, next sessions, the schedule's
inputs) and grouped here, never per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.db.models import Count, Min

from alliance.alerts.models import Alert, AlertState, Priority
from alliance.care.models import Episode, Session, SessionStatus
from alliance.measures import registry
from alliance.measures.charts import CHECKIN_CLIENT, short_name
from alliance.measures.models import RespondentRole, Response
from alliance.measures.schedules import DueNow, load_due

# The outcome shown when an episode has several: PHQ-9 first, as the most common primary
# measure (NHS England, NHS Talking Therapies manual), then the others.
OUTCOME_ORDER: Final = ("phq-9", "core-10", "gad-7", "ors")
SPARK_POINTS: Final = 12
SPARK_WIDTH, SPARK_HEIGHT = 100, 24
NO_ALERT: Final = 99


@dataclass(frozen=True)
class Sparkline:
    """A tiny line of the latest totals; ``text`` says the same for screen readers."""

    label: str
    values: tuple[float, ...]
    points: str  # SVG polyline points in a 100 x 24 box
    text: str


@dataclass(frozen=True)
class CaseloadRow:
    episode: Episode
    alliance: Sparkline | None
    outcome: Sparkline | None
    n_open_alerts: int
    top_priority: int | None  # Priority value (1 = highest); None without open alerts
    due: DueNow
    next_session: dt.datetime | None

    @property
    def sort_key(self) -> tuple[int, str]:
        rank = NO_ALERT if self.top_priority is None else self.top_priority
        return rank, self.episode.client.full_name.casefold()

    @property
    def top_priority_label(self) -> str:
        return "" if self.top_priority is None else Priority(self.top_priority).label


def compute_sparkline(
    label: str, values: Sequence[float], low: float, high: float
) -> Sparkline | None:
    """Points scaled to the instrument's range (``low``..``high``), so a line's height means
    the same for every client; higher on screen is a higher total."""
    shown = list(values)[-SPARK_POINTS:]
    if not shown:
        return None
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(shown) - 1, 1)
    coords = []
    for i, value in enumerate(shown):
        y = SPARK_HEIGHT - (min(max(value, low), high) - low) / span * SPARK_HEIGHT
        coords.append(f"{i * step:.1f},{y:.1f}")
    if len(coords) == 1:  # one score: a short flat line, so it is visible
        coords.append(f"{SPARK_WIDTH:.1f},{coords[0].split(',')[1]}")
    text = f"{label} {', '.join(f'{v:g}' for v in shown)}"
    return Sparkline(label, tuple(shown), " ".join(coords), text)


def build_caseload(episodes: Sequence[Episode], now: dt.datetime) -> list[CaseloadRow]:
    """Rows for ``episodes`` (with ``client`` and ``clinic`` loaded), open alerts first (by
    highest priority), then by client name."""
    ids = [episode.pk for episode in episodes]
    totals = _totals(ids)
    alerts = {
        row["episode_id"]: (row["n"], row["top"])
        for row in Alert.objects.filter(episode_id__in=ids)
        .exclude(state=AlertState.RESOLVED)
        .values("episode_id")
        .annotate(n=Count("pk"), top=Min("priority"))
    }
    next_sessions = dict(
        Session.objects.filter(
            episode_id__in=ids, status=SessionStatus.SCHEDULED, starts_at__gt=now
        )
        .values("episode_id")
        .annotate(first=Min("starts_at"))
        .values_list("episode_id", "first")
    )
    due = load_due(episodes, now)
    rows = []
    for episode in episodes:
        n_alerts, top = alerts.get(episode.pk, (0, None))
        rows.append(
            CaseloadRow(
                episode=episode,
                alliance=_alliance(totals[episode.pk]),
                outcome=_outcome(totals[episode.pk]),
                n_open_alerts=n_alerts,
                top_priority=top,
                due=due[episode.pk],
                next_session=next_sessions.get(episode.pk),
            )
        )
    return sorted(rows, key=lambda row: row.sort_key)


def _totals(ids: Sequence[int]) -> dict[int, dict[str, list[float]]]:
    """Client totals per episode and instrument, oldest first, corrections applied."""
    found: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Response.objects.filter(
            episode_id__in=ids,
            respondent_role=RespondentRole.CLIENT,
            instrument__in=(CHECKIN_CLIENT, *OUTCOME_ORDER),
            superseded_by__isnull=True,
        )
        .order_by("administered_at", "pk")
        .values_list("episode_id", "instrument", "total")
    )
    for episode_id, instrument, total in rows:
        found[episode_id][instrument].append(total)
    return found


def _alliance(totals: dict[str, list[float]]) -> Sparkline | None:
    instrument = registry.get_key(CHECKIN_CLIENT)
    low, high = instrument.total.minimum, instrument.total.maximum
    return compute_sparkline("check-ins", totals.get(CHECKIN_CLIENT, []), low, high)


def _outcome(totals: dict[str, list[float]]) -> Sparkline | None:
    for instrument_id in OUTCOME_ORDER:
        values = totals.get(instrument_id)
        if values:
            instrument = registry.get_key(instrument_id)
            low, high = instrument.total.minimum, instrument.total.maximum
            return compute_sparkline(short_name(instrument), values, low, high)
    return None
