"""Root URLs: the browser UI, the admin, and the versioned REST API."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.core.views import healthz

urlpatterns = [
    # First: an API request is resolved without walking every page's patterns (no page lives under api/).
    path("api/v1/", include("portal.api_urls")),
    path("", include("apps.dashboard.urls")),
    path("", include("apps.projects.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.audit.urls")),
    path("", include("apps.signoffs.urls")),
    path("", include("apps.gates.urls")),
    path("", include("apps.checklists.urls")),
    path("", include("apps.deliverables.urls")),
    path("", include("apps.risks.urls")),
    path("", include("apps.modelcards.urls")),
    path("", include("apps.cadence.urls")),
    path("", include("apps.notifications.urls")),
    path("", include("apps.raci.urls")),
    path("", include("apps.incidents.urls")),
    path("", include("apps.documents.urls")),
    path("", include("apps.dossier.urls")),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler400 = "apps.core.errors.bad_request"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
