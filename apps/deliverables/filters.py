"""Filters of the deliverables registry (the product manager's cross-project view, UI and API)."""

import django_filters
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from apps.projects.access import visible_projects
from apps.projects.choices import Stage
from apps.projects.models import Project
from apps.projects.selectors import project_members

from .choices import DeliverableStatus
from .models import ProjectDeliverable

STALE_CHOICES = [("yes", "Stale (past due)"), ("no", "Not stale")]
SORT_CHOICES = [
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("project", "Project"),
    ("stage", "Lifecycle stage"),
]


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
    sort = django_filters.ChoiceFilter(choices=SORT_CHOICES, method="sort_by", label="Sort by", empty_label="Due date")

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

    def sort_by(self, queryset, name, value):
        return queryset  # applied in `qs`, so that the default order holds when nothing is chosen

    @property
    def qs(self):
        queryset = super().qs
        sort = (self.form.cleaned_data.get("sort") if self.is_bound and self.form.is_valid() else "") or "due"
        stage_order = Case(
            *[When(deliverable__primary_stage=key, then=Value(i)) for i, key in enumerate(Stage.values)],
            output_field=IntegerField(),
        )
        if sort == "-due":
            return queryset.order_by(F("next_due_on").desc(nulls_last=True), "project__name", "deliverable__position")
        if sort == "project":
            return queryset.order_by("project__name", "deliverable__position")
        if sort == "stage":
            return queryset.order_by(stage_order, "deliverable__position", "project__name")
        return queryset.order_by(F("next_due_on").asc(nulls_last=True), "project__name", "deliverable__position")
