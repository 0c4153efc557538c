"""Filters of "My sign-offs" (the page and the API share them); they stay in the URL."""

import django_filters
from django.utils import timezone

from apps.core.lazy_choices import PROJECT_BY_SLUG
from apps.projects.models import Project

from .models import SignoffRequest


def _projects(request):
    """The projects the person is a member of: the only ones whose requests reach their inbox."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user).distinct().order_by("name")


# A Compliance Officer may sit on a thousand projects: the drop-down loads its choices on demand.
LAZY_FIELDS = {"project": PROJECT_BY_SLUG}


class SignoffInboxFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(
        queryset=_projects, field_name="project", to_field_name="slug", empty_label="All projects"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only")
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title contains")

    class Meta:
        model = SignoffRequest
        fields = ["q", "project", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(due_on__lt=today) if value else queryset.filter(due_on__gte=today)
