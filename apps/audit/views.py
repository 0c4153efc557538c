"""The audit log in the browser: portal-wide and per project, filterable, exportable as CSV."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from apps.core.exports import tabular_response
from apps.core.lazy_choices import lazy_choices_response, lazy_fields
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin

from .filters import LAZY_FIELDS, AuditEntryFilter
from .presentation import present_entries
from .selectors import audit_entry_filter, chain_verification_latest, may_read_an_audit_trail

CSV_COLUMNS = [
    "id",
    "timestamp",
    "actor",
    "action",
    "record_type",
    "record_id",
    "record",
    "record_as_written",
    "project_id",
    "project_key",
    "project",
    "field",
    "before",
    "after",
    "entry_hash",
]


def _csv_rows(queryset, chunk_size=500, project=None):
    last_id = None
    while True:
        chunk = queryset if last_id is None else queryset.filter(id__lt=last_id)
        entries = present_entries(chunk[:chunk_size], project=project)
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
            entry.record_name,
            entry.object_repr,
            entry.project_id or "",
            entry.project.key if entry.project else "",
            entry.project.name if entry.project else "",
        ]
        changes = entry.change_rows or [("", "", "")]
        for field, before, after in changes:
            yield base + [field, before, after, entry.entry_hash]


def _entry_id(value) -> int | None:
    return int(value) if value and value.isdigit() else None


@dataclass
class KeysetPage:
    """One page of entries, newest first, found by id rather than by offset.

    The trail only grows and is read newest first, so a page is "the next `size` entries older
    (or newer) than entry N": an index range on the primary key. Nothing counts the table, so a
    page costs the same on the millionth entry as on the first.
    """

    entries: list
    newer_than: int | None  # link to the newer page: ?after=<first id shown>
    older_than: int | None  # link to the older page: ?before=<last id shown>

    @classmethod
    def of(cls, queryset, *, before: int | None, after: int | None, size: int) -> "KeysetPage":
        if after is not None:
            rows = list(queryset.filter(id__gt=after).order_by("id")[: size + 1])
            has_newer = len(rows) > size
            rows = rows[:size][::-1]
            has_older = bool(rows) and queryset.filter(id__lt=rows[-1].id).exists()
        else:
            window = queryset.filter(id__lt=before) if before is not None else queryset
            rows = list(window.order_by("-id")[: size + 1])
            has_older = len(rows) > size
            rows = rows[:size]
            has_newer = before is not None and bool(rows) and queryset.filter(id__gt=rows[0].id).exists()
        return cls(
            entries=rows,
            newer_than=rows[0].id if rows and has_newer else None,
            older_than=rows[-1].id if rows and has_older else None,
        )


class AuditLogView(LoginRequiredMixin, TemplateView):
    """Portal-wide: every entry the user may audit. Pages go by entry id (`before`, `after`), never by count."""

    template_name = "audit/auditentry_list.html"
    paginate_by = 50
    project = None

    def check_access(self):
        if not may_read_an_audit_trail(user=self.request.user):
            raise PermissionDenied("Your roles do not include reading any audit trail.")

    def get(self, request, *args, **kwargs):
        self.check_access()
        if request.GET.get("format") == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    @cached_property
    def filterset(self):
        return audit_entry_filter(user=self.request.user, project=self.project, data=self.request.GET)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        for name in ("before", "after", "page"):
            query.pop(name, None)
        page = KeysetPage.of(
            self.get_queryset(),
            before=_entry_id(self.request.GET.get("before")),
            after=_entry_id(self.request.GET.get("after")),
            size=self.paginate_by,
        )
        return super().get_context_data(
            filter=self.filterset,
            lazy_fields=[] if self.project else lazy_fields(self.filterset, LAZY_FIELDS),
            choices_url=reverse("audit:auditentry-choices"),
            query=query.urlencode(),
            page=page,
            entries=present_entries(page.entries, project=self.project),
            paged=bool(self.request.GET.get("before") or self.request.GET.get("after")),
            verification=chain_verification_latest(),
            **kwargs,
        )

    def export_csv(self):
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        scope = self.project.slug if self.project else "portal"
        return tabular_response(
            fmt="csv",
            filename=f"audit-{scope}-{stamp}",
            columns=CSV_COLUMNS,
            rows=_csv_rows(self.get_queryset(), project=self.project),
        )


class AuditChoicesView(LoginRequiredMixin, View):
    """GET ?field=project&q=...: the audit filter's matching projects, as JSON (a lazy drop-down)."""

    def get(self, request):
        return lazy_choices_response(request, AuditEntryFilter(user=request.user), LAZY_FIELDS)


class ProjectAuditLogView(ProjectAccessMixin, AuditLogView):
    """One project's trail, for roles that may read it."""

    permission_required = {"GET": roles.VIEW_AUDIT}

    def check_access(self):
        """ProjectAccessMixin has already checked the project permission."""
