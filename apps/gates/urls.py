from django.urls import path

from . import views

app_name = "gates"

urlpatterns = [
    path("projects/<slug:project_slug>/gates/<slug:stage>/", views.GateDetailView.as_view(), name="gate-detail"),
    path(
        "projects/<slug:project_slug>/gates/<slug:stage>/certificate.pdf",
        views.GateCertificateView.as_view(),
        name="gate-certificate",
    ),
]
