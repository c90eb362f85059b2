"""What care announces, for higher apps to subscribe to (docs/architecture.md#hooks)."""

from __future__ import annotations

import datetime as dt

from alliance.care.models import Session
from alliance.lib.hooks import Hook

# Sent once per recorded outcome or cancellation, inside its transaction: attendance feeds
# the episode's monitoring (rupture and dropout rules).
session_changed: Hook[[Session, dt.datetime], object] = Hook("care.session_changed")
