from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from alliance.core.errors import DomainError, NotFound, PermissionDenied
from alliance.web.views import errors as views


class DomainErrorMiddleware:
    """Turn a domain error that escaped a page view into the matching friendly page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return views.page_not_found(request)
        if isinstance(exception, PermissionDenied):
            return views.permission_denied(request)
        if isinstance(exception, DomainError):
            return views.bad_request(request)
        return None
