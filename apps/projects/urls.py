from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<slug:project_slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<slug:project_slug>/edit/", views.ProjectUpdateView.as_view(), name="project-update"),
    path("projects/<slug:project_slug>/delete/", views.ProjectDeleteView.as_view(), name="project-delete"),
    path("projects/<slug:project_slug>/retire/", views.ProjectRetireView.as_view(), name="project-retire"),
    path("projects/<slug:project_slug>/members/", views.MemberListView.as_view(), name="member-list"),
    path(
        "projects/<slug:project_slug>/members/<int:membership_id>/remove/",
        views.MemberRemoveView.as_view(),
        name="member-remove",
    ),
]
