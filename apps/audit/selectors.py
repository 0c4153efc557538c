"""Reads of the audit trail, restricted to what the user may audit."""

from django.db.models import QuerySet

from apps.projects import roles
from apps.projects.access import visible_projects

from .filters import AuditEntryFilter
from .models import AuditEntry, ChainVerification


def auditable_project_ids(*, user) -> QuerySet:
    return visible_projects(user, roles.VIEW_AUDIT).values("pk")


def may_read_an_audit_trail(*, user) -> bool:
    """Portal-wide auditors, and whoever holds a role that reads some project's trail. They also
    read the chain's verifications: the chain is one for the whole portal."""
    return user.has_perm("audit.view_auditentry") or auditable_project_ids(user=user).exists()


def chain_verification_list() -> QuerySet[ChainVerification]:
    """Every recorded verification of the chain, newest first (callers check `may_read_an_audit_trail`)."""
    return ChainVerification.objects.order_by("-id")


def chain_verification_latest() -> ChainVerification | None:
    return chain_verification_list().first()


def audit_entry_list(*, user, project=None) -> QuerySet[AuditEntry]:
    """Entries the user may read: portal-wide auditors see everything, others the
    entries of projects whose trail their role lets them read."""
    queryset = AuditEntry.objects.select_related("actor", "content_type").order_by("-id")
    if project is not None:
        queryset = queryset.filter(project_id=project.pk)
    if not user.has_perm("audit.view_auditentry"):
        queryset = queryset.filter(project_id__in=auditable_project_ids(user=user))
    return queryset


def audit_entry_filter(*, user, project=None, data=None) -> AuditEntryFilter:
    """`audit_entry_list` filtered by `data`: its `qs` is the list, and a page renders its
    filter form from the same filter set."""
    return AuditEntryFilter(data or {}, queryset=audit_entry_list(user=user, project=project), user=user)


def audited_object_history(*, obj) -> QuerySet[AuditEntry]:
    """Every entry about one record, oldest first (for a record's history panel)."""
    return AuditEntry.objects.get_for_object(obj).select_related("actor").order_by("id")
