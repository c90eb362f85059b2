"""The early fit review: due after session 3 or 4 (Alliance's own rule), overdue after 4."""

from __future__ import annotations

import pytest

from alliance.core.errors import InvalidInput
from alliance.core.monitoring.fit_review import (
    FIT_REVIEW_SESSIONS,
    FitReviewStatus,
    fit_review_due,
    fit_review_status,
)


def test_review_sessions_are_3_and_4() -> None:
    assert FIT_REVIEW_SESSIONS == (3, 4)


STATUS_TABLE = [
    # (sessions held, reviewed, status)
    (0, False, "not_yet"),
    (1, False, "not_yet"),
    (2, False, "not_yet"),  # 2 < 3
    (3, False, "due"),  # first of the 3-4
    (4, False, "due"),  # last of the 3-4
    (5, False, "overdue"),  # 5 > 4
    (12, False, "overdue"),
    (0, True, "done"),  # a review is a review, whenever it happened
    (3, True, "done"),
    (4, True, "done"),
    (5, True, "done"),
]


@pytest.mark.parametrize(("held", "reviewed", "status"), STATUS_TABLE)
def test_fit_review_status(held: int, reviewed: bool, status: str) -> None:
    assert fit_review_status(held, reviewed) == status
    assert isinstance(fit_review_status(held, reviewed), FitReviewStatus)


DUE_TABLE = [
    # (sessions held, reviewed, episode is new, due?)
    (0, False, True, False),
    (2, False, True, False),
    (3, False, True, True),
    (4, False, True, True),
    (5, False, True, True),  # overdue is still due
    (20, False, True, True),
    (3, True, True, False),
    (6, True, True, False),
    (3, False, False, False),  # not a new pairing: no fit review
    (5, False, False, False),
]


@pytest.mark.parametrize(("held", "reviewed", "new", "due"), DUE_TABLE)
def test_fit_review_due(held: int, reviewed: bool, new: bool, due: bool) -> None:
    assert fit_review_due(held, reviewed, episode_is_new=new) is due


def test_new_episode_is_the_default() -> None:
    assert fit_review_due(3, False) is True


@pytest.mark.parametrize("held", [-1, True])
def test_invalid_session_count(held: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        fit_review_status(held, False)
    assert raised.value.code == "invalid_session_count"
