from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from apps.core.api.pagination import PortalCursorPagination

from ..filters import AuditEntryFilter
from ..models import AuditEntry, ChainVerification
from ..selectors import audit_entry_list, chain_verification_list, may_read_an_audit_trail
from .serializers import AuditEntrySerializer, ChainVerificationSerializer


@extend_schema(tags=["audit"])
class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, read-only: entries of the projects whose trail you may read
    (everything for Compliance Auditors), newest first. No endpoint can change an entry. Pages
    follow a cursor (`next`, `previous`) and carry no count: the trail only grows."""

    queryset = AuditEntry.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    pagination_class = PortalCursorPagination
    ordering_fields = ["id", "timestamp"]

    def get_queryset(self):
        return audit_entry_list(user=self.request.user)


class MayReadAnAuditTrail(BasePermission):
    message = "Your roles do not include reading any audit trail."

    def has_permission(self, request, view):
        return may_read_an_audit_trail(user=request.user)


@extend_schema(tags=["audit"])
class ChainVerificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every recorded verification of the audit chain (nightly task and `verify_audit_chain`), newest first:
    when it ran, whether the chain was intact, how many entries it verified, the head it reached and,
    for a broken chain, the first broken entry. For Compliance Auditors and whoever may read some
    project's audit trail (403 otherwise). Read-only: verifications are recorded by the portal itself."""

    queryset = ChainVerification.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = ChainVerificationSerializer
    permission_classes = [IsAuthenticated, MayReadAnAuditTrail]
    filterset_fields = ["intact", "trigger"]

    def get_queryset(self):
        return chain_verification_list()
