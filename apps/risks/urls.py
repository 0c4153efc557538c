from django.urls import path, register_converter

from . import views


class RiskCodeConverter:
    """R-001, R-042, R-1234: a risk's code as it appears in links."""

    regex = r"R-\d{1,6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RiskCodeConverter, "risk_code")

app_name = "risks"

project = "projects/<slug:project_slug>/risks/"
risk = f"{project}<risk_code:risk_code>/"

urlpatterns = [
    path("risks/", views.PortfolioView.as_view(), name="portfolio"),
    path("risks/choices/", views.PortfolioChoicesView.as_view(), name="portfolio-choices"),
    path("risks/export/<str:fmt>/", views.PortfolioExportView.as_view(), name="portfolio-export"),
    path("risks/import-example.csv", views.RiskImportExampleView.as_view(), name="import-example"),
    path(project, views.RiskRegisterView.as_view(), name="risk-register"),
    path(f"{project}new/", views.RiskCreateView.as_view(), name="risk-create"),
    path(f"{project}import/", views.RiskImportView.as_view(), name="risk-import"),
    path(f"{project}import/<int:pk>/", views.RiskImportDetailView.as_view(), name="import-detail"),
    path(f"{project}import/<int:pk>/confirm/", views.RiskImportDecisionView.as_view(), name="import-confirm"),
    path(
        f"{project}import/<int:pk>/cancel/", views.RiskImportDecisionView.as_view(confirm=False), name="import-cancel"
    ),
    path(f"{project}settings/", views.RiskRegisterSettingsView.as_view(), name="register-settings"),
    path(f"{project}export/<str:fmt>/", views.RiskRegisterExportView.as_view(), name="register-export"),
    path(risk, views.RiskDetailView.as_view(), name="risk-detail"),
    path(f"{risk}edit/", views.RiskUpdateView.as_view(), name="risk-update"),
    path(f"{risk}delete/", views.RiskDeleteView.as_view(), name="risk-delete"),
    path(f"{risk}review/", views.RiskReviewView.as_view(), name="risk-review"),
    path(f"{risk}accept/", views.RiskAcceptView.as_view(), name="risk-accept"),
]
