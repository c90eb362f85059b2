"""Expected trajectory for "clients like this one", and the not-on-track (NOT) check.

Why: feedback systems that flag clients who are not on track (NOT) against an expected
treatment response keep those clients in therapy longer and nearly double reliable or clinically
significant change (Whipple, Lambert et al. 2003, J Couns Psychol 50(1):59-68; de Jong et al.
2021, Clin Psychol Rev 85:102002; Barkham et al. 2023, Psychother Res 33(7):841-855). The
published curves (Lambert's OQ system, PCOMS/FIT) are proprietary, so we derive bands from the
clinic's own history, by session index, not calendar time (Alliance's own choice).

The method, for one instrument (the caller passes only courses on that instrument):

1. **Clients like this one** are past courses whose intake falls in the same severity band as
   this client's intake. ``strata`` are the band lower bounds, e.g. :data:`PHQ9_STRATA`
   (0, 5, 10, 15, 20; Kroenke et al. 2001) or :data:`GAD7_STRATA` (0, 5, 10, 15; Spitzer et al.
   2006). CORE-10 bands are disputed (sources disagree with the manual's figure), so none are
   shipped. An intake below the first bound counts in the first band. Without ``strata`` every
   course is "like this one".
2. **Widening.** With fewer than ``min_cases`` courses in the band, the band is widened once to
   its neighbours on both sides (e.g. PHQ-9 15-19 becomes "intake 10 or more"). No further:
   beyond the neighbours the clients are no longer similar.
3. **Bands.** For each session ``k`` from 2 to ``max_session`` (session 1 is the intake), take
   the change from intake ``score_k - intake`` of each similar course with a score at ``k``,
   compute its percentiles (``np.percentile``, linear interpolation; default 10th, 50th and 90th)
   and add them back to *this* client's intake. Change from intake rather than raw scores makes
   the band follow this client's starting point within a wide stratum. Sessions with fewer than
   :data:`MIN_SESSION_OBSERVATIONS` (10) scores are omitted: a 10th percentile of fewer than 10
   values is the minimum, not a percentile. Bands are not clipped to the instrument's range.
4. **Fallback** when history is thin (fewer than ``min_cases`` similar courses even after
   widening, or no session with 10 scores): Alliance's own rule, after the rationally derived
   rules of Lambert's OQ system ("deterioration >= RCI from intake -> red"), with the
   Jacobson-Truax reliable-change threshold ``rci`` (Jacobson & Truax 1991). Every session gets
   ``median = intake``, ``low = intake - rci``, ``high = intake + rci``, so an alert fires only
   on a reliable deterioration and nothing is assumed about how fast clients usually improve.
   ``rci`` is required then.

Not on track (:func:`assess_track`): the score is strictly beyond the worse-than-expected edge of
the band (``high`` when lower is better, ``low`` when higher is better). Note the strict
comparison: in the fallback a change of exactly ``rci`` is *not* flagged, whereas
:func:`core.measures.change.classify_change` calls it reliable ("at least", as the NHS Talking
Therapies thresholds are stated). Pass e.g. ``rci = 5.5`` for PHQ-9 to flag integer changes of
6 or more.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import numpy as np

from alliance.core.errors import InvalidInput

# PHQ-9 severity bands 0-4 / 5-9 / 10-14 / 15-19 / 20-27 (Kroenke et al. 2001).
PHQ9_STRATA: Final = (0.0, 5.0, 10.0, 15.0, 20.0)
# GAD-7 severity bands 0-4 / 5-9 / 10-14 / 15-21; a total of 5 is mild (Spitzer et al. 2006).
GAD7_STRATA: Final = (0.0, 5.0, 10.0, 15.0)
# Fewer scores than this at a session and no band is computed for it.
MIN_SESSION_OBSERVATIONS: Final = 10
FALLBACK_PREFIX: Final = "fallback: "


@dataclass(frozen=True)
class Course:
    """One past client's course on one instrument.

    ``intake`` is the session-1 score; ``scores`` maps session number (1 = intake) to the total.
    Change is measured from ``intake`` even when ``scores`` also holds session 1.
    """

    intake: float
    scores: Mapping[int, float]


@dataclass(frozen=True)
class Band:
    """The expected range at one session, on the instrument's own scale.

    ``low``/``median``/``high`` are this client's intake plus the percentiles of similar
    clients' change from intake; ``n`` is how many scores they come from (0 in the fallback).
    The worse-than-expected edge is ``high`` when lower is better, ``low`` otherwise.
    """

    session: int
    low: float
    median: float
    high: float
    n: int

    def worse_edge(self, lower_is_better: bool) -> float:
        """The boundary beyond which a score is worse than expected."""
        return self.high if lower_is_better else self.low


@dataclass(frozen=True)
class ExpectedTrajectory:
    """Expected bands for one client: ``stratum`` names the intakes used (e.g. "intake 15 to
    under 20"), ``source`` where the bands come from ("clinic history (n = 143)" or
    "fallback: ..."). ``intake`` and ``lower_is_better`` are this client's.
    """

    instrument: str
    stratum: str
    source: str
    bands: tuple[Band, ...]
    intake: float
    lower_is_better: bool = True

    @property
    def is_fallback(self) -> bool:
        """Whether the bands are the reliable-change fallback rather than clinic history."""
        return self.source.startswith(FALLBACK_PREFIX)

    def band_for(self, session: int) -> Band | None:
        """The band at ``session``, else the nearest one before it, else ``None``."""
        earlier = [band for band in self.bands if band.session <= session]
        return max(earlier, key=lambda band: band.session) if earlier else None


@dataclass(frozen=True)
class TrackAssessment:
    """Whether a score is on track; ``band`` is the band compared with (``None``: nothing to
    compare, and then ``on_track`` is ``True``); ``text`` is one plain sentence with the numbers.
    """

    on_track: bool
    session: int
    score: float
    band: Band | None
    text: str


def expected_trajectory(
    instrument: str,
    intake: float,
    history: Sequence[Course],
    *,
    lower_is_better: bool = True,
    max_session: int = 20,
    min_cases: int = 30,
    strata: Sequence[float] | None = None,
    rci: float | None = None,
    percentiles: tuple[float, float] = (10, 90),
) -> ExpectedTrajectory:
    """Expected bands for sessions 2..``max_session`` of a client who started at ``intake``.

    ``instrument`` is the label used in sentences (e.g. "PHQ-9"); ``history`` holds past
    courses on that instrument only; ``percentiles`` are the lower and upper percentiles
    (0-100) of the band; ``rci`` is the reliable-change threshold in raw points (Jacobson &
    Truax 1991), needed only when history is thin. Method and sources in the module docstring.
    Raises :class:`InvalidInput` on bad settings or scores, or thin history without ``rci``.
    """
    _check_settings(intake, max_session, min_cases, rci, percentiles)
    bounds = _check_strata(strata)
    _check_history(history)
    first, last = _similar_strata(intake, history, bounds, min_cases)
    similar = [c for c in history if first <= _stratum_index(c.intake, bounds) <= last]
    stratum = _stratum_label(bounds, first, last)
    bands: tuple[Band, ...] = ()
    if len(similar) >= min_cases:
        found = (_band(k, intake, similar, percentiles) for k in range(2, max_session + 1))
        bands = tuple(band for band in found if band is not None)
    if bands:
        source = f"clinic history (n = {len(similar)})"
        return ExpectedTrajectory(instrument, stratum, source, bands, intake, lower_is_better)
    if len(similar) < min_cases:
        why = f"{len(similar)} similar courses in clinic history, fewer than {min_cases}"
    else:
        why = f"no session with {MIN_SESSION_OBSERVATIONS} scores in clinic history"
    return _fallback(instrument, intake, stratum, why, rci, max_session, lower_is_better)


def assess_track(
    trajectory: ExpectedTrajectory,
    session: int,
    score: float,
    lower_is_better: bool | None = None,
) -> TrackAssessment:
    """Whether ``score`` at ``session`` is on track against ``trajectory``.

    Off track when the score is strictly beyond the band's worse-than-expected edge at that
    session, or at the nearest earlier session with a band. No band: on track, and the text says
    there is nothing to compare with. ``lower_is_better`` defaults to the trajectory's own and
    must agree with it. Raises :class:`InvalidInput` on a bad session, score or direction.
    """
    if lower_is_better is not None and lower_is_better != trajectory.lower_is_better:
        raise InvalidInput(
            "lower_is_better does not match the expected trajectory", code="direction_mismatch"
        )
    if isinstance(session, bool) or not isinstance(session, int) or session < 1:
        raise InvalidInput("session must be a whole number, 1 or more", code="invalid_session")
    if not math.isfinite(score):
        raise InvalidInput("score must be a finite number", code="invalid_score")
    band = trajectory.band_for(session)
    if band is None:
        text = (
            f"{trajectory.instrument} {_num(score)} at session {session}: there is no expected "
            "range for this session yet, so there is nothing to compare it with."
        )
        return TrackAssessment(True, session, score, None, text)
    on_track = _on_track(band, score, trajectory.lower_is_better)
    return TrackAssessment(
        on_track, session, score, band, _track_text(trajectory, session, score, band)
    )


def _on_track(band: Band, score: float, lower_is_better: bool) -> bool:
    edge = band.worse_edge(lower_is_better)
    return not (score > edge if lower_is_better else score < edge)


def _track_text(trajectory: ExpectedTrajectory, session: int, score: float, band: Band) -> str:
    lower_is_better = trajectory.lower_is_better
    above = score > band.high
    below = score < band.low
    worse = above if lower_is_better else below
    better = below if lower_is_better else above
    span = f"{_num(band.low)} to {_num(band.high)}"
    if worse:
        edge = f"up to {_num(band.high)}" if lower_is_better else f"down to {_num(band.low)}"
        where = f"{'above' if above else 'below'} the expected range ({edge})"
    elif better:
        where = f"{'above' if above else 'below'} the expected range ({span})"
    else:
        where = f"within the expected range ({span})"
    intake = _num(trajectory.intake)
    if trajectory.is_fallback:
        if worse:
            context = f": a reliable deterioration from the intake score of {intake}"
        elif better:
            context = f": a reliable improvement from the intake score of {intake}"
        else:
            context = f" around the intake score of {intake}"
    else:
        lead = ": better than usual" if better else ""
        context = f"{lead} for clients who started around {intake}"
    text = f"{trajectory.instrument} {_num(score)} at session {session} is {where}{context}."
    if band.session != session:
        text += f" Compared with session {band.session}, the latest with an expected range."
    return text


def _band(
    session: int, intake: float, courses: Sequence[Course], percentiles: tuple[float, float]
) -> Band | None:
    changes = [c.scores[session] - c.intake for c in courses if session in c.scores]
    if len(changes) < MIN_SESSION_OBSERVATIONS:
        return None
    low, median, high = np.percentile(
        np.asarray(changes, dtype=np.float64), [percentiles[0], 50.0, percentiles[1]]
    )
    return Band(
        session, intake + float(low), intake + float(median), intake + float(high), len(changes)
    )


def _fallback(
    instrument: str,
    intake: float,
    stratum: str,
    why: str,
    rci: float | None,
    max_session: int,
    lower_is_better: bool,
) -> ExpectedTrajectory:
    if rci is None:
        raise InvalidInput(
            f"History is too thin for an expected trajectory ({why}); "
            "give the reliable-change threshold rci for the fallback.",
            code="thin_history",
        )
    bands = tuple(Band(k, intake - rci, intake, intake + rci, 0) for k in range(2, max_session + 1))
    source = f"{FALLBACK_PREFIX}reliable change of {_num(rci)} from intake ({why})"
    return ExpectedTrajectory(instrument, stratum, source, bands, intake, lower_is_better)


def _similar_strata(
    intake: float, history: Sequence[Course], bounds: tuple[float, ...], min_cases: int
) -> tuple[int, int]:
    index = _stratum_index(intake, bounds)
    counts = [0] * len(bounds)
    for course in history:
        counts[_stratum_index(course.intake, bounds)] += 1
    if counts[index] >= min_cases:
        return index, index
    return max(0, index - 1), min(len(bounds) - 1, index + 1)


def _stratum_index(value: float, bounds: tuple[float, ...]) -> int:
    # Values below the first bound count in the first band.
    return max(0, bisect.bisect_right(bounds, value) - 1)


def _stratum_label(bounds: tuple[float, ...], first: int, last: int) -> str:
    top = len(bounds) - 1
    if first == 0 and last == top:
        return "all intakes"
    if first == 0:
        return f"intake under {_num(bounds[last + 1])}"
    if last == top:
        return f"intake {_num(bounds[first])} or more"
    return f"intake {_num(bounds[first])} to under {_num(bounds[last + 1])}"


def _check_settings(
    intake: float,
    max_session: int,
    min_cases: int,
    rci: float | None,
    percentiles: tuple[float, float],
) -> None:
    if not math.isfinite(intake):
        raise InvalidInput("intake must be a finite number", code="invalid_score")
    for name, value, least in (("max_session", max_session, 2), ("min_cases", min_cases, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise InvalidInput(f"{name} must be a whole number, {least} or more", code="invalid")
    if rci is not None and not (math.isfinite(rci) and rci > 0):
        raise InvalidInput("rci must be a positive number", code="invalid")
    low, high = percentiles
    if not 0 <= low < 50 < high <= 100:
        raise InvalidInput(
            "percentiles must be (low, high) with 0 <= low < 50 < high <= 100", code="invalid"
        )


def _check_strata(strata: Sequence[float] | None) -> tuple[float, ...]:
    if strata is None:
        return (-math.inf,)
    bounds = tuple(float(s) for s in strata)
    if not bounds or any(not math.isfinite(b) for b in bounds):
        raise InvalidInput("strata must be finite band lower bounds", code="invalid_strata")
    if any(a >= b for a, b in pairwise(bounds)):
        raise InvalidInput("strata must be strictly increasing", code="invalid_strata")
    return bounds


def _check_history(history: Sequence[Course]) -> None:
    for course in history:
        values = [course.intake, *course.scores.values()]
        if not all(math.isfinite(v) for v in values):
            raise InvalidInput("history scores must be finite numbers", code="invalid_score")
        if any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in course.scores):
            raise InvalidInput("session numbers start at 1", code="invalid_session")


def _num(value: float) -> str:
    """A score for a sentence: at most one decimal, no trailing ".0", no "-0"."""
    return f"{round(value, 1) + 0.0:g}"
