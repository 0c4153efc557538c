from django.urls import path

from . import views

app_name = "documents"

project = "projects/<slug:project_slug>/documents/"

urlpatterns = [
    path("documents/", views.PortfolioDocumentListView.as_view(), name="portfolio-document-list"),
    path("documents/<int:pk>/", views.PortfolioDocumentDetailView.as_view(), name="portfolio-document-detail"),
    path(
        "documents/<int:pk>/download/",
        views.PortfolioDocumentDownloadView.as_view(),
        name="portfolio-document-download",
    ),
    path(project, views.ProjectDocumentListView.as_view(), name="document-list"),
    path(f"{project}<int:pk>/", views.DocumentDetailView.as_view(), name="document-detail"),
    path(f"{project}<int:pk>/download/", views.DocumentDownloadView.as_view(), name="document-download"),
    path(f"{project}<int:pk>/manifest/", views.ManifestDownloadView.as_view(), name="document-manifest"),
]
