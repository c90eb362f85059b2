"""What care announces, for higher apps to subscribe to (docs/architecture.md#hooks)."""

from __future__ import annotations

import datetime as dt

from alliance.accounts.models import User
from alliance.care.models import Session
from alliance.lib.hooks import Hook

# Sent once per recorded outcome or cancellation, inside its transaction, with the person who
# made it: attendance feeds the episode's monitoring (rupture and dropout rules) and the fit
# review; what they store is audited with that person as actor.
session_changed: Hook[[Session, User, dt.datetime], object] = Hook("care.session_changed")
