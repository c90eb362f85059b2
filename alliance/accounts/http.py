"""The signed-in user of a request, typed.

``LoginRequiredMiddleware`` lets a request reach a page or an API operation only once someone
has signed in, so behind it ``request.user`` is always an :class:`~alliance.accounts.models.User`.
"""

from __future__ import annotations

from django.http import HttpRequest

from alliance.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """For annotations only: a request whose ``user`` has signed in."""

    user: User


def request_user(request: HttpRequest) -> User:
    """The signed-in user making ``request``."""
    user = request.user
    assert isinstance(user, User)
    return user
