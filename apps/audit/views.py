"""The audit log in the browser: portal-wide and per project, filterable, exportable as CSV."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import ListView

from apps.core.exports import tabular_response
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin

from .filters import AuditEntryFilter
from .presentation import attach_change_rows
from .selectors import audit_entry_list, auditable_project_ids

CSV_COLUMNS = [
    "id",
    "timestamp",
    "actor",
    "action",
    "record_type",
    "record_id",
    "record",
    "project_id",
    "field",
    "before",
    "after",
    "entry_hash",
]


def _csv_rows(queryset, chunk_size=500):
    last_id = None
    while True:
        chunk = queryset if last_id is None else queryset.filter(id__lt=last_id)
        entries = attach_change_rows(chunk[:chunk_size])
        if not entries:
            return
        last_id = entries[-1].id
        yield from _entry_rows(entries)


def _entry_rows(entries):
    for entry in entries:
        base = [
            entry.id,
            entry.timestamp.isoformat(),
            entry.actor.username if entry.actor else "system",
            entry.get_action_display(),
            entry.content_type.model,
            entry.object_pk,
            entry.object_repr,
            entry.project_id or "",
        ]
        changes = entry.change_rows or [("", "", "")]
        for field, before, after in changes:
            yield base + [field, before, after, entry.entry_hash]


class AuditLogView(LoginRequiredMixin, ListView):
    """Portal-wide: every entry the user may audit."""

    template_name = "audit/auditentry_list.html"
    context_object_name = "entries"
    paginate_by = 50
    project = None

    def check_access(self):
        user = self.request.user
        if not (user.has_perm("audit.view_auditentry") or auditable_project_ids(user=user).exists()):
            raise PermissionDenied("Your roles do not include reading any audit trail.")

    def get(self, request, *args, **kwargs):
        self.check_access()
        if request.GET.get("format") == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return audit_entry_list(user=self.request.user, project=self.project, filters=self.request.GET)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        context = super().get_context_data(
            filter=AuditEntryFilter(self.request.GET, user=self.request.user), query=query.urlencode(), **kwargs
        )
        context["entries"] = attach_change_rows(context["object_list"])
        return context

    def export_csv(self):
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        scope = self.project.slug if self.project else "portal"
        return tabular_response(
            fmt="csv", filename=f"audit-{scope}-{stamp}", columns=CSV_COLUMNS, rows=_csv_rows(self.get_queryset())
        )


class ProjectAuditLogView(ProjectAccessMixin, AuditLogView):
    """One project's trail, for roles that may read it."""

    permission_required = {"GET": roles.VIEW_AUDIT}

    def check_access(self):
        """ProjectAccessMixin has already checked the project permission."""
