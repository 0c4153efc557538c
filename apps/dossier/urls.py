from django.urls import path

from . import views

app_name = "dossier"

project = "projects/<slug:project_slug>/dossier/"

urlpatterns = [
    path(project, views.DossierRequestView.as_view(), name="dossier-request"),
    path(f"{project}verify/", views.DossierVerifyView.as_view(), name="dossier-verify"),
]
