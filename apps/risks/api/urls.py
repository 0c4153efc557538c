from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import PortfolioRiskExportView, PortfolioRiskListView, RiskImportViewSet, RiskViewSet

router = SimpleRouter()
router.register("risks/imports", RiskImportViewSet, basename="project-risk-import")
router.register("risks", RiskViewSet, basename="project-risk")

urlpatterns = [
    path("risks/", PortfolioRiskListView.as_view(), name="risk-portfolio"),
    path("risks/export/<str:file_format>/", PortfolioRiskExportView.as_view(), name="risk-portfolio-export"),
    path("projects/<slug:project_slug>/", include(router.urls)),
]
