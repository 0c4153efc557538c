"""Filters of the deliverables registry (the product manager's cross-project view, UI and API)."""

import django_filters
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from apps.core.filters import SortFilter
from apps.core.lazy_choices import PERSON, PROJECT_BY_SLUG
from apps.projects.access import visible_projects
from apps.projects.choices import Stage
from apps.projects.models import Project
from apps.projects.selectors import project_members

from .choices import DeliverableStatus
from .models import ProjectDeliverable

STALE_CHOICES = [("yes", "Stale (past due)"), ("no", "Not stale")]
# Event-driven deliverables have no due date: they come last either way.
SORTS = {
    "due": ("Due date", (F("next_due_on").asc(nulls_last=True),)),
    "project": ("Project", ("project__name",)),
    "stage": (
        "Lifecycle stage",
        (Case(*[When(deliverable__primary_stage=key, then=Value(i)) for i, key in enumerate(Stage.values)]),),
    ),
}


# Searchable drop-downs whose choices load on demand (apps/core/lazy_choices.py).
LAZY_FIELDS = {"project": PROJECT_BY_SLUG, "owner": PERSON}


class RegistryFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(
        queryset=None, to_field_name="slug", label="Project", empty_label="All projects"
    )
    stage = django_filters.ChoiceFilter(
        field_name="deliverable__primary_stage", choices=Stage.choices, label="Stage", empty_label="All stages"
    )
    owner = django_filters.ModelChoiceFilter(queryset=None, label="Owner", empty_label="Anyone")
    status = django_filters.ChoiceFilter(choices=DeliverableStatus.choices, empty_label="Any status")
    stale = django_filters.ChoiceFilter(
        choices=STALE_CHOICES, method="filter_stale", label="Staleness", empty_label="Any"
    )
    sort = SortFilter(sorts=SORTS, default="due", tiebreak=("project__name", "deliverable__position"))

    class Meta:
        model = ProjectDeliverable
        fields = ["project", "stage", "owner", "status", "stale", "sort"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        projects = visible_projects(user) if user is not None else Project.objects.none()
        self.filters["project"].queryset = projects
        self.filters["owner"].queryset = project_members(project=projects)
        self.filters["owner"].field.label_from_instance = lambda person: person.display_name

    def filter_stale(self, queryset, name, value):
        today = timezone.localdate()
        if value == "yes":
            return queryset.filter(next_due_on__lt=today)
        return queryset.filter(Q(next_due_on__gte=today) | Q(next_due_on__isnull=True))
