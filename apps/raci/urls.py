from django.urls import path

from . import views

app_name = "raci"

RACI = "projects/<slug:project_slug>/raci/"

urlpatterns = [
    path(RACI, views.MatrixView.as_view(), name="matrix"),
    path(f"{RACI}setup/", views.MatrixSetupView.as_view(), name="matrix-setup"),
    path(f"{RACI}cells/<int:pk>/<str:role>/", views.CellView.as_view(), name="cell"),
    path(f"{RACI}roles/", views.ByRoleView.as_view(), name="by-role"),
    path(f"{RACI}people/", views.ByPersonView.as_view(), name="by-person"),
    path(f"{RACI}activities/new/", views.ActivityCreateView.as_view(), name="activity-create"),
    path(f"{RACI}activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-update"),
    path(f"{RACI}activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity-delete"),
    path(f"{RACI}export/<str:fmt>/", views.ExportView.as_view(), name="export"),
    path(f"{RACI}import/", views.ImportView.as_view(), name="import"),
    path(f"{RACI}submit/", views.SubmitView.as_view(), name="submit"),
]
