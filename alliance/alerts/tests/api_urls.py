"""A URL configuration with the alerts router mounted like config/api.py mounts the others.

Used by the API tests until the router is mounted on the project's API; the error handlers are
the same shape as config/api.py's.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from alliance.alerts.api import router
from alliance.core.errors import DomainError

api = NinjaAPI(auth=django_auth, urls_namespace="alerts_api_test")
api.add_router("/", router)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, "code": exc.code}, status=exc.status)


patterns, app_name, namespace = api.urls
for pattern in patterns:
    # As config.api.api_urls: operations answer 401 themselves, not a log-in redirect.
    pattern.callback.login_required = False  # type: ignore[union-attr]

urlpatterns = [
    path("api/v1/", (patterns, app_name, namespace)),
    path("", include("alliance.urls")),
]
