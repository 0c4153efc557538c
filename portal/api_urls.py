"""/api/v1/: every app adds its endpoints here."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.projects.api.urls")),
    path("", include("apps.audit.api.urls")),
    path("", include("apps.signoffs.api.urls")),
    path("", include("apps.gates.api.urls")),
    path("", include("apps.checklists.api.urls")),
    path("", include("apps.deliverables.api.urls")),
    path("", include("apps.risks.api.urls")),
    path("", include("apps.modelcards.api.urls")),
    path("", include("apps.cadence.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.raci.api.urls")),
    path("", include("apps.incidents.api.urls")),
    path("", include("apps.dashboard.api.urls")),
    path("", include("apps.documents.api.urls")),
    path("", include("apps.dossier.api.urls")),
]
