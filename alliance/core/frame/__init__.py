"""The frame agreement's pure core: the standing weekly slot and its sessions, session rules
(notice, overrun, moves), the diff both people accept, and the agreed ending criteria.

Nothing here imports Django, does I/O (beyond ``zoneinfo`` reading the time-zone database) or
reads the clock: callers pass ``today`` and ``now``.
"""

from __future__ import annotations

from alliance.core.frame.diff import Change, frame_diff
from alliance.core.frame.ending import EndingAssessment, EndingCriteria, GoalState, assess_ending
from alliance.core.frame.schedule import (
    DEFAULT_HORIZON_WEEKS,
    Occurrence,
    Standing,
    check_standing,
    check_time_zone,
    horizon_end,
    occurrences,
)
from alliance.core.frame.sessions import cancellation_notice, check_move, overrun_minutes

__all__ = [
    "DEFAULT_HORIZON_WEEKS",
    "Change",
    "EndingAssessment",
    "EndingCriteria",
    "GoalState",
    "Occurrence",
    "Standing",
    "assess_ending",
    "cancellation_notice",
    "check_move",
    "check_standing",
    "check_time_zone",
    "frame_diff",
    "horizon_end",
    "occurrences",
    "overrun_minutes",
]
