"""Hooks: receivers run in order, a purpose is subscribed once, a missing required purpose
stops start-up, and the project's safety receiver is wired."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from alliance.care.hooks import session_changed
from alliance.directory.hooks import slot_bookings, therapist_moved_city
from alliance.lib import hooks
from alliance.lib.hooks import Hook, check_required_subscribers, require_subscribers
from alliance.measures.hooks import SAFETY_ALERTS, responses_stored, shared_episode_ids


@pytest.fixture
def hook():
    made: Hook[[int], int] = Hook("test.numbers", required=frozenset({"double"}))
    yield made
    hooks._HOOKS.remove(made)


def test_receivers_run_in_subscription_order_and_return_their_results(hook) -> None:
    calls: list[str] = []

    def double(n: int) -> int:
        calls.append("double")
        return 2 * n

    def square(n: int) -> int:
        calls.append("square")
        return n * n

    hook.subscribe(double, purpose="double")
    hook.subscribe(square, purpose="square")

    assert hook.send(3) == [6, 9]
    assert calls == ["double", "square"]
    assert hook.purposes == ("double", "square")


def test_a_purpose_is_subscribed_once(hook) -> None:
    def double(n: int) -> int:
        return 2 * n

    hook.subscribe(double, purpose="double")
    hook.subscribe(double, purpose="double")  # ready() running twice is harmless
    assert hook.send(1) == [2]
    with pytest.raises(ValueError, match="already subscribed"):
        hook.subscribe(lambda n: n, purpose="double")


def test_a_receiver_error_is_not_swallowed(hook) -> None:
    def broken(n: int) -> int:
        raise RuntimeError("receiver failed")

    hook.subscribe(broken, purpose="double")
    with pytest.raises(RuntimeError, match="receiver failed"):
        hook.send(1)


def test_a_missing_required_purpose_is_a_system_check_error(hook) -> None:
    errors = [e for e in check_required_subscribers() if "test.numbers" in e.msg]
    assert [(e.id, e.msg) for e in errors] == [
        ("alliance.E001", "Hook 'test.numbers' has no subscriber for 'double'.")
    ]
    with pytest.raises(ImproperlyConfigured, match=r"test\.numbers"):
        require_subscribers()
    hook.subscribe(lambda n: n, purpose="double")
    assert not [e for e in check_required_subscribers() if "test.numbers" in e.msg]


def test_the_project_subscribes_every_hook_it_declares() -> None:
    assert responses_stored.purposes == (SAFETY_ALERTS, "monitoring")
    assert session_changed.purposes == ("monitoring",)
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
