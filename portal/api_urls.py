"""/api/v1/: every app adds its endpoints here."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.projects.api.urls")),
    path("", include("apps.audit.api.urls")),
]
