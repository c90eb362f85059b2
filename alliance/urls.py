from django.contrib import admin
from django.urls import include, path

from alliance.api import api_urls
from alliance.web.views import errors

urlpatterns = [
    path("healthz", errors.healthz, name="healthz"),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
    path("", include("alliance.accounts.urls")),
    path("", include("alliance.directory.urls")),
    path("", include("alliance.care.urls")),
    path("", include("alliance.measures.urls")),
    path("", include("alliance.alerts.urls")),
    path("", include("alliance.matching.urls")),
    path("", include("alliance.goals.urls")),
    path("", include("alliance.contact.urls")),
    path("", include("alliance.notes.urls")),
    path("", include("alliance.reviews.urls")),
    path("", include("alliance.web.urls")),
]

handler400 = "alliance.web.views.errors.bad_request"
handler403 = "alliance.web.views.errors.permission_denied"
handler404 = "alliance.web.views.errors.page_not_found"
handler500 = "alliance.web.views.errors.server_error"
