"""What measures announces, for higher apps to subscribe to (docs/architecture.md#hooks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from alliance.accounts.models import User
from alliance.audit.trail import Event
from alliance.lib.hooks import Hook
from alliance.measures.models import Response

SAFETY_ALERTS = "safety alerts"

# Sent once per submission (a whole check-in is one), inside its transaction, after every
# response is stored. Receivers return the audit events of what they stored; the submission
# appends them with its own. A risk answer must reach a person: start-up fails without the
# safety receiver (alliance.E001).
responses_stored: Hook[[Sequence[Response], dt.datetime], Sequence[Event]] = Hook(
    "measures.responses_stored", required=frozenset({SAFETY_ALERTS})
)

# Episode ids, beyond the ones they treat, whose client answers a therapist may read (the
# client consented after a re-match). With no receiver a therapist sees only their own.
shared_episode_ids: Hook[[User], set[int]] = Hook("measures.shared_episode_ids")
