"""This app's rows in the authorization table (tests/test_authorization.py explains the classes).

``extend_world`` gives client_a an open fit review (they asked for one) on ``{episode}``, and an
earlier episode with another therapist of clinic A that ended in a re-match, so ``{episode}``
has a history client_a may share.

POST rows run once per persona in turn (client_a first): only the client asks for a review,
chooses, and grants or revokes consent; the therapist reaches the action and is refused (403),
or — answering with the client's fields — told the body is not theirs (400).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from alliance.care.models import EndReason, Episode, EpisodeState
from alliance.reviews.actions import do_request_fit_review
from tests.authz_row import Row
from tests.factories import make_therapist

EPISODE = {"episode_id": "{episode}"}
CLIENT_ONLY: dict[str, str | int] = {"client_a": "allowed", "therapist_a": 403}
CLIENT_BODY: dict[str, object] = {
    "going": 2,
    "style": 3,
    "goals": 2,
    "choice": "adjust",
    "adjust_what": "A little slower",
}

ROWS: dict[str, Row] = {
    "fit-review": Row("clinical", kwargs=EPISODE),
    "fit-review-request": Row("explicit", method="POST", kwargs=EPISODE, expect=CLIENT_ONLY),
    "history-consent": Row("clinical", kwargs=EPISODE),
    "staff-rematches": Row("role:staff"),
    "api:get_fit_review": Row("clinical", kwargs=EPISODE),
    "api:submit_fit_review": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        body=CLIENT_BODY,
        expect={"client_a": "allowed", "therapist_a": 400},  # the choice is the client's
    ),
    "api:request_fit_review": Row("explicit", method="POST", kwargs=EPISODE, expect=CLIENT_ONLY),
    "api:get_history_consent": Row("clinical", kwargs=EPISODE),
    "api:grant_history_consent": Row("explicit", method="POST", kwargs=EPISODE, expect=CLIENT_ONLY),
    "api:revoke_history_consent": Row(
        "explicit",
        method="POST",
        kwargs=EPISODE,
        expect={"client_a": 409, "therapist_a": 403},  # nothing shared yet: reached, refused
    ),
}


def extend_world(world: Any) -> dict[str, str]:
    episode = Episode.objects.get(pk=world.ids["episode"])
    earlier = Episode.objects.create(
        clinic_id=episode.clinic_id,
        client=world.client_a,
        therapist=make_therapist(clinic=world.client_a.clinic),
        state=EpisodeState.TRANSFERRED,
        end_reason=EndReason.REMATCH,
        started_on=episode.started_on - dt.timedelta(days=90),
        ended_on=episode.started_on,
    )
    review = do_request_fit_review(world.client_a, episode=episode)
    return {"earlier_episode": str(earlier.pk), "fit_review": str(review.pk)}
