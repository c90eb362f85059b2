"""This app's rows for the URLs added with the measurement schedule (tests/test_authorization.py
explains the classes). The older measures URLs keep their rows in the shared table.

``episode-schedule`` belongs to the treating therapist alone (404 for everyone else, the client
and staff included); ``clinic-schedule`` to clinic staff, each for their own clinic.
"""

from __future__ import annotations

from typing import Any

from tests.authz_row import Row

ROWS: dict[str, Row] = {
    "episode-schedule": Row(
        "explicit", kwargs={"episode_id": "{episode}"}, expect={"therapist_a": "allowed"}
    ),
    "clinic-schedule": Row("role:staff"),
}


def extend_world(world: Any) -> dict[str, str]:
    return {}
