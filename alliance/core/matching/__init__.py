"""Matching's pure core: roster and intake records, hard constraints, measured effectiveness
and the explained ranking (issue 4; formats in ``docs/formats.md``).

Nothing here does I/O, imports Django or reads the clock. Callers parse JSON with
:func:`parse_roster` and friends, then ``Matcher().fit(roster, outcomes).rank(intake)``.
"""

from __future__ import annotations

from alliance.core.matching.constraints import check_hard_constraints, fitting_slots
from alliance.core.matching.effectiveness import Effect, TherapistEffectiveness
from alliance.core.matching.ranker import Match, Matcher, Weights
from alliance.core.matching.records import (
    Intake,
    Outcome,
    RecordError,
    Slot,
    Therapist,
    TimeWindow,
    parse_intake,
    parse_outcomes,
    parse_roster,
    parse_waitlist,
)

__all__ = [
    "Effect",
    "Intake",
    "Match",
    "Matcher",
    "Outcome",
    "RecordError",
    "Slot",
    "Therapist",
    "TherapistEffectiveness",
    "TimeWindow",
    "Weights",
    "check_hard_constraints",
    "fitting_slots",
    "parse_intake",
    "parse_outcomes",
    "parse_roster",
    "parse_waitlist",
]
