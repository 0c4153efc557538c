from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/bell/", views.NotificationBellView.as_view(), name="bell"),
    path("notifications/choices/", views.NotificationChoicesView.as_view(), name="choices"),
    path("notifications/read-all/", views.NotificationMarkAllReadView.as_view(), name="mark-all-read"),
    path("notifications/preferences/", views.NotificationPreferencesView.as_view(), name="preferences"),
    path("notifications/<int:pk>/read/", views.NotificationMarkReadView.as_view(), name="mark-read"),
]
