from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from ..filters import AuditEntryFilter
from ..models import AuditEntry
from ..selectors import audit_entry_list
from .serializers import AuditEntrySerializer


@extend_schema(tags=["audit"])
class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, read-only: entries of the projects whose trail you may read
    (everything for Compliance Auditors). No endpoint can change an entry."""

    queryset = AuditEntry.objects.none()  # for schema introspection; requests use get_queryset()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    ordering_fields = ["id", "timestamp"]

    def get_queryset(self):
        return audit_entry_list(user=self.request.user)
