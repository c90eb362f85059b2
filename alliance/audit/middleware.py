from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from alliance.audit.trail import current_ip


class AuditContextMiddleware:
    """Make the client address available to audit.trail for the length of a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only behind configured proxies."""
    from django.conf import settings

    n_proxies: int = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if n_proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= n_proxies:
            return hops[-n_proxies]
    return request.META.get("REMOTE_ADDR") or None
