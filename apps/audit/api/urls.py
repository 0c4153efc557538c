from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import AuditEntryViewSet

router = SimpleRouter()
router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")

urlpatterns = [path("", include(router.urls))]
