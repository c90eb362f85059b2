"""The project's hooks are wired: every declared hook has its subscribers, and without the
safety receiver the system check and the WSGI entry point refuse to start."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from alliance.care.hooks import session_changed
from alliance.directory.hooks import slot_bookings, therapist_moved_city
from alliance.lib.hooks import check_required_subscribers, require_subscribers
from alliance.measures.hooks import SAFETY_ALERTS, responses_stored, shared_episode_ids


def test_the_project_subscribes_every_hook_it_declares() -> None:
    assert responses_stored.purposes == (SAFETY_ALERTS, "monitoring")
    assert session_changed.purposes == ("monitoring", "fit review")
    assert therapist_moved_city.purposes == ("online offers",)
    assert slot_bookings.purposes == ("slot bookings",)
    assert shared_episode_ids.purposes == ("history consent",)
    assert check_required_subscribers() == []
    call_command("check", tags=["hooks"])


def test_without_the_safety_receiver_the_check_and_the_server_refuse(monkeypatch) -> None:
    kept = [s for s in responses_stored._subscriptions if s.purpose != SAFETY_ALERTS]
    monkeypatch.setattr(responses_stored, "_subscriptions", kept)

    with pytest.raises(SystemCheckError, match=r"alliance\.E001"):
        call_command("check", tags=["hooks"])
    with pytest.raises(ImproperlyConfigured, match="safety alerts"):
        require_subscribers()
