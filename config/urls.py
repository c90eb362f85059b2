from django.contrib import admin
from django.urls import include, path

from config import views
from config.api import api_urls

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", api_urls()),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("directory.urls")),
    path("", include("care.urls")),
    path("", include("measures.urls")),
    path("", include("alerts.urls")),
    path("", include("matching.urls")),
    path("", include("goals.urls")),
    path("", include("contact.urls")),
    path("", include("notes.urls")),
    path("", include("reviews.urls")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
