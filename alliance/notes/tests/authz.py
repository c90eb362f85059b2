"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` adds one private note therapist_a wrote on client_a's episode: ``{note}``.
Only its author, therapist_a, may read or change it; everyone else gets 404, the client of the
episode and clinic staff included.
"""

from __future__ import annotations

from typing import Any

from alliance.care.models import Episode
from alliance.notes.actions import do_write_note
from tests.authz_row import Row

EPISODE = {"episode_id": "{episode}"}
NOTE = {"note_id": "{note}"}
ONLY_THE_AUTHOR: dict[str, str | int] = {"therapist_a": "allowed"}

ROWS: dict[str, Row] = {
    "episode-notes": Row("explicit", kwargs=EPISODE, expect=ONLY_THE_AUTHOR),
    "note-edit": Row("explicit", kwargs=NOTE, expect=ONLY_THE_AUTHOR),
    "note-delete": Row("explicit", method="POST", kwargs=NOTE, expect=ONLY_THE_AUTHOR),
    "api:list_notes": Row("explicit", kwargs=EPISODE, expect=ONLY_THE_AUTHOR),
    "api:create_note": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        body={"body": "A note by {actor}"},
        expect=ONLY_THE_AUTHOR,
    ),
    "api:update_note": Row(
        "explicit", method="PATCH", kwargs=NOTE, body={"body": "Changed"}, expect=ONLY_THE_AUTHOR
    ),
    "api:delete_note": Row("explicit", method="DELETE", kwargs=NOTE, expect={"therapist_a": 204}),
}


def extend_world(world: Any) -> dict[str, str]:
    episode = Episode.objects.get(pk=world.ids["episode"])
    note = do_write_note(world.therapist_a, episode=episode, body="Only for therapist_a.")
    return {"note": str(note.pk)}
