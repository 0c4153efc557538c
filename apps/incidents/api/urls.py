from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import AlertmanagerWebhookView, IncidentViewSet, PortfolioFiguresView, PortfolioIncidentListView

router = SimpleRouter()
router.register("incidents", IncidentViewSet, basename="project-incident")

urlpatterns = [
    path("incidents/", PortfolioIncidentListView.as_view(), name="incident-portfolio"),
    path("incidents/figures/", PortfolioFiguresView.as_view(), name="incident-portfolio-figures"),
    path(
        "projects/<slug:project_slug>/incidents/alertmanager/",
        AlertmanagerWebhookView.as_view(),
        name="api-incident-alertmanager",
    ),
    path("projects/<slug:project_slug>/", include(router.urls)),
]
