from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import NotificationPreferenceViewSet, NotificationViewSet

router = SimpleRouter()
router.register("notifications/preferences", NotificationPreferenceViewSet, basename="notification-preference")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [path("", include(router.urls))]
