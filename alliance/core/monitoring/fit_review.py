"""The early fit review: "give it 3-4 sessions".

A single session's alliance score is only marginally dependable (G ≈ .77); two sessions reach
G ≥ .80 and four or more G > .90, and early aggregates predict outcome better than any single
session (Crits-Christoph, Gibbons, Hamilton, Ring-Kurtz & Gallop 2011, J Consult Clin Psychol
79(3):267-278). Research measures the early alliance around session 3-4 (e.g. Busseri & Tyler
2003, after session 4). Hence Alliance's own UX rule: show the fit review after session 3 or 4.
The states below are our design on top of that rule: due from the 3rd held session, overdue once
more than 4 sessions have been held without a review.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from alliance.core.errors import InvalidInput

# Alliance's own rule, after Crits-Christoph et al. (2011): show the fit review after session
# 3 or 4.
FIT_REVIEW_SESSIONS: Final = (3, 4)


class FitReviewStatus(StrEnum):
    NOT_YET = "not_yet"  # fewer than 3 sessions held
    DUE = "due"  # 3 or 4 sessions held, not reviewed
    OVERDUE = "overdue"  # 5 or more sessions held, still not reviewed
    DONE = "done"  # reviewed, whenever it happened


def fit_review_status(sessions_held: int, reviewed: bool) -> FitReviewStatus:
    """``done`` once reviewed; otherwise ``not_yet`` below 3 held sessions, ``due`` at 3-4 and
    ``overdue`` from 5 (Alliance's own rule). ``sessions_held`` counts attended sessions of this
    episode (not cancellations); a negative count raises :class:`InvalidInput`.
    """
    if isinstance(sessions_held, bool) or sessions_held < 0:
        raise InvalidInput(
            f"sessions held {sessions_held!r} must be 0 or more", code="invalid_session_count"
        )
    first, last = FIT_REVIEW_SESSIONS
    if reviewed:
        return FitReviewStatus.DONE
    if sessions_held < first:
        return FitReviewStatus.NOT_YET
    return FitReviewStatus.DUE if sessions_held <= last else FitReviewStatus.OVERDUE


def fit_review_due(sessions_held: int, reviewed: bool, episode_is_new: bool = True) -> bool:
    """Whether to prompt for the fit review now: status ``due`` or ``overdue``.

    Never for an episode that is not new (e.g. an ongoing therapy moved onto the platform): the
    review is about whether a new pairing fits, which such a pair has already answered.
    """
    status = fit_review_status(sessions_held, reviewed)
    return episode_is_new and status in (FitReviewStatus.DUE, FitReviewStatus.OVERDUE)
