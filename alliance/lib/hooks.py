"""Hooks: how a lower app sets off work in a higher one without importing it.

A lower app declares a :class:`Hook` in its ``hooks.py`` and sends it from an action, once per
transaction, with the complete state (all of a check-in's responses, not one at a time). A
higher app subscribes in its ``AppConfig.ready()``. Receivers run synchronously, inside the
sender's transaction, in the order they subscribed, so what they store (an alert) commits or
rolls back with its cause. A receiver's error is not swallowed: it fails the action.

A hook may name purposes that must be subscribed (``required``): the system check below fails
start-up when one is missing, so a safety rule never depends on an import having happened.
See docs/decisions/0002-hooks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")

_HOOKS: list[Hook[Any, Any]] = []


@dataclass(frozen=True)
class Subscription(Generic[P, R]):
    purpose: str
    receiver: Callable[P, R]


class Hook(Generic[P, R]):
    """A named announcement with typed arguments; receivers return ``R`` (often ``None``)."""

    def __init__(self, name: str, *, required: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.required = required
        self._subscriptions: list[Subscription[P, R]] = []
        _HOOKS.append(self)

    def subscribe(self, receiver: Callable[P, R], *, purpose: str) -> None:
        """Add ``receiver`` under ``purpose``; a purpose is subscribed once (``ready()`` may
        run twice in tests, so the same receiver again is a no-op)."""
        for existing in self._subscriptions:
            if existing.purpose == purpose:
                if existing.receiver is receiver:
                    return
                raise ValueError(f"{self.name}: {purpose!r} is already subscribed")
        self._subscriptions.append(Subscription(purpose, receiver))

    def send(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Call every receiver in subscription order; returns their results."""
        return [sub.receiver(*args, **kwargs) for sub in self._subscriptions]

    @property
    def purposes(self) -> tuple[str, ...]:
        return tuple(sub.purpose for sub in self._subscriptions)

    def missing(self) -> frozenset[str]:
        return self.required - set(self.purposes)


def all_hooks() -> tuple[Hook[Any, Any], ...]:
    return tuple(_HOOKS)


@checks.register("hooks")
def check_required_subscribers(app_configs: object = None, **kwargs: object) -> list[checks.Error]:
    """alliance.E001: a required purpose of a hook has no subscriber."""
    return [
        checks.Error(
            f"Hook {hook.name!r} has no subscriber for {purpose!r}.",
            hint="The app that provides it must be installed and subscribe in AppConfig.ready().",
            id="alliance.E001",
        )
        for hook in _HOOKS
        for purpose in sorted(hook.missing())
    ]


def require_subscribers() -> None:
    """Refuse to serve while a required purpose is missing (the WSGI entry point calls it:
    gunicorn runs no system checks of its own)."""
    errors = check_required_subscribers()
    if errors:
        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
