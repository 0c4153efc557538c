import django_filters
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.forms import ModelChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.lazy_choices import PROJECT_BY_SLUG
from apps.projects import roles
from apps.projects.access import visible_projects
from apps.projects.models import Project

from .models import AuditEntry


def _record_type_choices() -> list[tuple[int, str]]:
    """The audited record types by model name, from Django's content-type cache."""
    types = ContentType.objects.get_for_models(*auditlog.get_models()).values()
    return [(content_type.pk, str(content_type)) for content_type in sorted(types, key=lambda ct: (ct.model, ct.pk))]


@extend_schema_field(OpenApiTypes.INT)
class RecordTypeFilter(django_filters.ChoiceFilter):
    """An audited record type, by content-type id. Its choices are set when the filter set is made,
    from Django's content-type cache: a queryset would cost two queries on every page (the
    drop-down counts its choices, then reads them)."""

    def __init__(self, *args, **kwargs):
        # The model choice's wording, as before: the value is an id, not something to quote back.
        kwargs.setdefault(
            "error_messages", {"invalid_choice": ModelChoiceField.default_error_messages["invalid_choice"]}
        )
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class ProjectSlugFilter(django_filters.ModelChoiceFilter):
    """A project given by its slug (entries store the project id without a foreign key)."""


# The project drop-down loads its choices on demand (apps/core/lazy_choices.py).
LAZY_FIELDS = {"project": PROJECT_BY_SLUG}


class AuditEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Record or change contains")
    actor = django_filters.CharFilter(method="filter_actor", label="Who (username or email)")
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices[:3])
    record_type = RecordTypeFilter(field_name="content_type", label="Record type")
    project = ProjectSlugFilter(queryset=None, to_field_name="slug", label="Project", method="filter_project")
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label="From")
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label="To")

    class Meta:
        model = AuditEntry
        fields = ["q", "actor", "action", "record_type", "project", "since", "until"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["record_type"].extra["choices"] = _record_type_choices()
        user = user or getattr(self.request, "user", None)
        self.filters["project"].queryset = (
            visible_projects(user, roles.VIEW_AUDIT) if user is not None else Project.objects.none()
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(changes__icontains=value))

    def filter_actor(self, queryset, name, value):
        return queryset.filter(Q(actor__username__icontains=value) | Q(actor_email__icontains=value))

    def filter_project(self, queryset, name, value):
        return queryset.filter(project_id=value.pk)
