from django.urls import path

from .views import DossierVerifyView

urlpatterns = [
    path("projects/<slug:project_slug>/dossier/verify/", DossierVerifyView.as_view(), name="project-dossier-verify"),
]
