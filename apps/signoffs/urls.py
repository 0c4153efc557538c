from django.urls import path

from . import views

app_name = "signoffs"

urlpatterns = [
    path("signoffs/", views.SignoffInboxView.as_view(), name="inbox"),
    path("signoffs/count/", views.SignoffInboxCountView.as_view(), name="inbox-count"),
    path("signoffs/choices/", views.SignoffInboxChoicesView.as_view(), name="inbox-choices"),
    path("projects/<slug:project_slug>/signoffs/<int:pk>/", views.SignoffRequestView.as_view(), name="request-detail"),
]
