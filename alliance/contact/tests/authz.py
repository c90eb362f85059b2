"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` adds objects to the shared world and returns their placeholder ids.
"""

from __future__ import annotations

from typing import Any

from alliance.care.models import Episode
from alliance.contact.actions import (
    do_send_message,
    do_share_notebook_entry,
    do_write_notebook_entry,
)
from tests.authz_row import Row

EPISODE = {"episode_id": "{episode}"}
ENTRY = {"entry_id": "{notebook_entry}"}
ONLY_THE_WRITER: dict[str, str | int] = {"client_a": "allowed"}

ROWS: dict[str, Row] = {
    "episode-messages": Row("clinical", kwargs=EPISODE),
    "episode-messages-read": Row("clinical", method="POST", kwargs=EPISODE),
    # The client of the episode is sent to their own notebook; only its therapist reads it.
    "episode-notebook": Row(
        "explicit", kwargs=EPISODE, expect={"client_a": "allowed", "therapist_a": "allowed"}
    ),
    "notebook": Row("role:client"),
    "notebook-share": Row("explicit", method="POST", kwargs=ENTRY, expect=ONLY_THE_WRITER),
    "notebook-delete": Row("explicit", method="POST", kwargs=ENTRY, expect=ONLY_THE_WRITER),
    "crisis": Row("public"),
    "api:list_messages": Row("clinical", kwargs=EPISODE),
    "api:send_message": Row(
        "clinical",
        method="POST",
        kwargs=EPISODE,
        body={"topic": "running_late", "minutes_late": 10},
    ),
    "api:list_notebook": Row("role:client"),
    "api:write_notebook": Row("role:client", method="POST", body={"body": "A note to self."}),
    "api:share_notebook": Row("explicit", method="POST", kwargs=ENTRY, expect=ONLY_THE_WRITER),
    "api:delete_notebook": Row("explicit", method="DELETE", kwargs=ENTRY, expect={"client_a": 204}),
}


def extend_world(world: Any) -> dict[str, str]:
    """client_a has a private entry, a shared one, and a message in the open episode."""
    episode = Episode.objects.get(pk=world.ids["episode"])
    do_send_message(world.client_a, episode=episode, topic="reschedule")
    shared = do_write_notebook_entry(world.client_a, body="Shared with my therapist.")
    do_share_notebook_entry(world.client_a, entry=shared)
    private = do_write_notebook_entry(world.client_a, body="Only for me.")
    return {"notebook_entry": str(private.pk)}
