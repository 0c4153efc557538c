from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import AuditEntryViewSet, ChainVerificationViewSet

router = SimpleRouter()
router.register("audit-entries", AuditEntryViewSet, basename="audit-entry")
router.register("audit-chain-verifications", ChainVerificationViewSet, basename="audit-chain-verification")

urlpatterns = [path("", include(router.urls))]
