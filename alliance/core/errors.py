"""The one error hierarchy. Every domain error carries a stable string ``code``.

The API turns a :class:`DomainError` into ``{"detail": ..., "code": ...}`` in one handler;
pages turn it into a form error.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that the domain refuses; safe to show to the user who made it."""

    code: str = "invalid"
    status: int = 400

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid"
    status = 400


class NotFound(DomainError):
    """Not found *or* not yours: the two are deliberately indistinguishable."""

    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409
