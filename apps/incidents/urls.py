from django.urls import path, register_converter

from . import views


class IncidentCodeConverter:
    """INC-001, INC-042: an incident's code as it appears in links."""

    regex = r"INC-\d{1,6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IncidentCodeConverter, "incident_code")

app_name = "incidents"

project = "projects/<slug:project_slug>/incidents/"
incident = f"{project}<incident_code:code>/"

urlpatterns = [
    path("incidents/", views.PortfolioView.as_view(), name="portfolio"),
    path("incidents/choices/", views.PortfolioChoicesView.as_view(), name="portfolio-choices"),
    path("incidents/runbook-template.yaml", views.RunbookTemplateView.as_view(), name="runbook-template"),
    path(project, views.IncidentListView.as_view(), name="incident-list"),
    path(f"{project}new/", views.IncidentCreateView.as_view(), name="incident-create"),
    path(f"{project}from-runbook/", views.RunbookCreateView.as_view(), name="incident-from-runbook"),
    path(f"{project}webhook/", views.WebhookSettingsView.as_view(), name="webhook"),
    path(incident, views.IncidentDetailView.as_view(), name="incident-detail"),
    path(f"{incident}edit/", views.IncidentUpdateView.as_view(), name="incident-update"),
    path(f"{incident}transition/", views.IncidentTransitionView.as_view(), name="incident-transition"),
    path(f"{incident}close/", views.IncidentCloseView.as_view(), name="incident-close"),
    path(f"{incident}timeline/", views.TimelineAddView.as_view(), name="timeline-add"),
    path(f"{incident}rollback/", views.RollbackRecordView.as_view(), name="rollback-record"),
    path(f"{incident}artifacts/", views.ArtifactAddView.as_view(), name="artifact-add"),
    path(f"{incident}risks/link/", views.RiskLinkView.as_view(), name="risk-link"),
    path(f"{incident}risks/new/", views.RiskOpenView.as_view(), name="risk-open"),
    path(f"{incident}runbook/", views.RunbookImportView.as_view(), name="runbook-import"),
    path(f"{incident}actions/", views.ActionItemCreateView.as_view(), name="action-create"),
    path(f"{incident}actions/<int:pk>/", views.ActionItemUpdateView.as_view(), name="action-update"),
    path(f"{incident}review/", views.ReviewView.as_view(), name="review"),
    path(f"{incident}review/submit/", views.ReviewSubmitView.as_view(), name="review-submit"),
    path(f"{incident}review/export/<str:fmt>/", views.ReviewExportView.as_view(), name="review-export"),
]
