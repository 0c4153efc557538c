from django.urls import path

from . import views

app_name = "deliverables"

PROJECT = "projects/<slug:project_slug>/deliverables/"

urlpatterns = [
    path("deliverables/", views.RegistryView.as_view(), name="registry"),
    path("deliverables/choices/", views.RegistryChoicesView.as_view(), name="registry-choices"),
    path(PROJECT, views.ProjectDeliverableListView.as_view(), name="project-deliverable-list"),
    path(f"{PROJECT}setup/", views.ProjectDeliverableSetupView.as_view(), name="project-deliverable-setup"),
    path(f"{PROJECT}<int:pk>/", views.ProjectDeliverableEditView.as_view(), name="project-deliverable-edit"),
    path(f"{PROJECT}<int:pk>/inline/", views.ProjectDeliverableInlineView.as_view(), name="project-deliverable-inline"),
    path(
        f"{PROJECT}<int:pk>/download/",
        views.ProjectDeliverableDownloadView.as_view(),
        name="project-deliverable-download",
    ),
]
