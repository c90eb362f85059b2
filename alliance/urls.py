from django.contrib import admin
from django.urls import include, path

from alliance.api import api_urls
from alliance.web import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
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
]

handler400 = "alliance.web.views.bad_request"
handler403 = "alliance.web.views.permission_denied"
handler404 = "alliance.web.views.page_not_found"
handler500 = "alliance.web.views.server_error"
