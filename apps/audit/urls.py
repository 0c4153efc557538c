from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.AuditLogView.as_view(), name="auditentry-list"),
    path("audit/choices/", views.AuditChoicesView.as_view(), name="auditentry-choices"),
    path("projects/<slug:project_slug>/audit/", views.ProjectAuditLogView.as_view(), name="project-auditentry-list"),
]
