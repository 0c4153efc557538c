from django.urls import path

from . import views

app_name = "modelcards"

project = "projects/<slug:project_slug>/model-cards/"
model = f"{project}<slug:model_key>/"
revision = f"{model}revisions/<int:number>/"

urlpatterns = [
    path("model-cards/", views.PortfolioView.as_view(), name="portfolio"),
    path(project, views.ModelListView.as_view(), name="model-list"),
    path(f"{project}new/", views.ModelCreateView.as_view(), name="model-create"),
    path(f"{project}import/", views.CardImportView.as_view(), name="card-import"),
    path(model, views.RevisionDetailView.as_view(), name="card-detail"),
    path(f"{model}settings/", views.ModelUpdateView.as_view(), name="model-update"),
    path(f"{model}edit/", views.CardEditView.as_view(), name="card-edit"),
    path(f"{model}compare/", views.CompareView.as_view(), name="card-compare"),
    path(revision, views.RevisionDetailView.as_view(), name="revision-detail"),
    path(f"{revision}submit/", views.SubmitView.as_view(), name="revision-submit"),
    path(f"{revision}export/<str:fmt>/", views.ExportView.as_view(), name="revision-export"),
]
