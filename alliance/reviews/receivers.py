"""What reviews does when a lower app announces a change (subscribed in ReviewsConfig.ready)."""

from __future__ import annotations

import datetime as dt

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.reviews.actions import do_open_due_review


def open_fit_review_when_due(session: Session, actor: User, now: dt.datetime) -> None:
    """The fit review opens when the third session is recorded as held (Alliance's own rule,
    after Crits-Christoph et al. 2011), in the same transaction; `alliance reviews open-due`
    catches any episode whose sessions were recorded another way."""
    do_open_due_review(actor, episode=session.episode, now=now)
