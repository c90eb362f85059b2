"""The scheduler's account: the named system actor of scheduled work, which never logs in."""

from __future__ import annotations

import pytest

from alliance.accounts.actions import SCHEDULER_EMAIL, scheduler_actor
from alliance.accounts.models import User
from alliance.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_scheduler_is_made_once_and_never_logs_in() -> None:
    actor = scheduler_actor()
    assert scheduler_actor() == actor
    assert (actor.email, actor.full_name) == (SCHEDULER_EMAIL, "Alliance scheduler")
    assert (actor.is_active, actor.has_usable_password(), actor.clinic_id) == (False, False, None)
    assert User.objects.filter(email=SCHEDULER_EMAIL).count() == 1
    created = AuditEvent.objects.get(action="accounts.system_actor.created")
    assert (created.actor, created.object_id) == (None, str(actor.pk))
