"""Hooks: receivers run in order, a purpose is subscribed once, a missing required purpose
stops start-up (the project's own wiring is tested in web/tests/test_hook_wiring.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from alliance.lib import hooks
from alliance.lib.hooks import Hook, check_required_subscribers, require_subscribers


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
