from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import PortfolioDocumentViewSet, ProjectDocumentViewSet

project_router = SimpleRouter()
project_router.register("documents", ProjectDocumentViewSet, basename="project-document")
portfolio_router = SimpleRouter()
portfolio_router.register("documents", PortfolioDocumentViewSet, basename="portfolio-document")

urlpatterns = [
    path("", include(portfolio_router.urls)),
    path("projects/<slug:project_slug>/", include(project_router.urls)),
]
