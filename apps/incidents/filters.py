"""One FilterSet for incident lists: the project page, the portfolio page and the API."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.lazy_choices import PROJECT_BY_SLUG
from apps.projects.access import visible_projects
from apps.projects.models import Project

from .choices import OPEN_ACTION_STATUSES, Category, Severity, Status
from .models import ActionItem, Incident

OPEN = "open"
STATUS_CHOICES = [(OPEN, "Not closed"), *Status.choices]


@extend_schema_field(OpenApiTypes.STR)
class ProjectSlugFilter(django_filters.ModelChoiceFilter):
    """A project given by its slug."""


# The portfolio's project drop-down loads its choices on demand (apps/core/lazy_choices.py).
LAZY_FIELDS = {"project": PROJECT_BY_SLUG}


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    project = ProjectSlugFilter(queryset=Project.objects.none(), to_field_name="slug", label="Project")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label="Severity")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label="Status")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="Category")
    overdue_review = django_filters.BooleanFilter(
        method="filter_overdue_review", label="Review overdue", widget=forms.CheckboxInput
    )
    overdue_actions = django_filters.BooleanFilter(
        method="filter_overdue_actions", label="Action items overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Incident
        fields = ["q", "project", "severity", "status", "category", "overdue_review", "overdue_actions"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["project"].queryset = visible_projects(user).order_by("name")

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value)) if value else queryset

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(status=Status.CLOSED)
        return queryset.filter(status=value) if value else queryset

    def filter_overdue_review(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(review__approved_at__isnull=True, review__due_on__lt=timezone.localdate())

    def filter_overdue_actions(self, queryset, name, value):
        if not value:
            return queryset
        overdue = ActionItem.objects.filter(
            incident=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate()
        )
        return queryset.filter(Exists(overdue))
