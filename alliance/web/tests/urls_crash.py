"""A URLconf with one view that fails, for the 500 page test (config/tests/test_error_pages.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

SECRET_DETAIL = "kaboom-internal-detail-7f3a"


@login_not_required
def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


urlpatterns = [
    path("crash/", crash),
    path("", include("alliance.urls")),
]

handler400 = "alliance.web.views.errors.bad_request"
handler403 = "alliance.web.views.errors.permission_denied"
handler404 = "alliance.web.views.errors.page_not_found"
handler500 = "alliance.web.views.errors.server_error"
