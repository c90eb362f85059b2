"""The REST API at /api/v1/: one router per app, one error handler for the domain errors.

Authentication is the browser session (with CSRF on unsafe methods). Anonymous calls get a
JSON 401, not a redirect to the log-in page.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.security import django_auth

from alliance.accounts.api import router as accounts_router
from alliance.alerts.api import router as alerts_router
from alliance.care.api import router as care_router
from alliance.contact.api import router as contact_router
from alliance.directory.api import router as directory_router
from alliance.goals.api import router as goals_router
from alliance.lib.api import add_error_handlers
from alliance.matching.api import router as matching_router
from alliance.measures.api import router as measures_router
from alliance.notes.api import router as notes_router
from alliance.reviews.api import router as reviews_router

api = NinjaAPI(
    title="Alliance API",
    version="1",
    description="Everything the pages can do. Objects you may not see answer 404.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", measures_router)
api.add_router("/", directory_router)
api.add_router("/", matching_router)
api.add_router("/", care_router)
api.add_router("/", alerts_router)
api.add_router("/", goals_router)
api.add_router("/", contact_router)
api.add_router("/", notes_router)
api.add_router("/", reviews_router)


add_error_handlers(api)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, with operations exempt from the log-in redirect.

    LoginRequiredMiddleware would answer anonymous API calls with a 302 to the log-in page;
    each operation authenticates itself and answers 401 instead. The schema and the docs page
    stay behind the log-in: the schema is not public (OWASP ASVS 5.0 13.4.5).
    """
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if getattr(pattern, "name", None) not in {"openapi-json", "openapi-view"}:
            pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns, app_name, namespace
