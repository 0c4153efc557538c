"""One FilterSet for the register: the project page, the portfolio page, the exports and the API."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import SortFilter
from apps.core.lazy_choices import PERSON, PROJECT_BY_SLUG
from apps.projects.access import visible_projects
from apps.projects.models import Project

from . import scoring
from .choices import LIVE_STATUSES, Band, Category, Impact, Likelihood, RiskStatus
from .models import Risk, parse_code

LIVE = "live"
STATUS_CHOICES = [(LIVE, "Live (open, mitigating, accepted)"), *RiskStatus.choices]

# sort key -> (label, ordering); every ordering ends on the code, so pages are stable.
SORTS = {
    "code": ("ID", ("project__name", "number")),
    "title": ("Title", ("title",)),
    "project": ("Project", ("project__name",)),
    "category": ("Category", ("category",)),
    "owner": ("Owner", ("owner__first_name", "owner__last_name")),
    "inherent": ("Inherent score", ("inherent_score",)),
    "residual": ("Residual score", ("residual_score",)),
    "status": ("Status", ("status",)),
    "next_review": ("Next review", ("next_review_on",)),
}


def _band_q(prefix: str, band: str) -> Q:
    low, high = scoring.BAND_SCORE_RANGES[Band(band)]
    return Q(**{f"{prefix}_score__gte": low, f"{prefix}_score__lte": high})


@extend_schema_field(OpenApiTypes.STR)
class ProjectSlugFilter(django_filters.ModelChoiceFilter):
    """A project given by its slug."""


# The portfolio's project and owner drop-downs load their choices on demand (a portfolio has
# a thousand projects): see apps/core/lazy_choices.py.
LAZY_FIELDS = {"project": PROJECT_BY_SLUG, "owner": PERSON}


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    project = ProjectSlugFilter(queryset=Project.objects.none(), to_field_name="slug", label="Project")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="Category")
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label="Status")
    residual_band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Residual band")
    inherent_band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Inherent band")
    owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label="Owner")
    unowned = django_filters.BooleanFilter(method="filter_unowned", label="Unowned", widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Review overdue", widget=forms.CheckboxInput)
    escalated = django_filters.BooleanFilter(
        method="filter_escalated", label="Escalated (a week overdue, or unowned)", widget=forms.CheckboxInput
    )
    # Heat-map cells link to these.
    impact = django_filters.TypedChoiceFilter(choices=Impact.choices, coerce=int, label="Inherent impact")
    likelihood = django_filters.TypedChoiceFilter(choices=Likelihood.choices, coerce=int, label="Inherent likelihood")
    residual_impact = django_filters.TypedChoiceFilter(choices=Impact.choices, coerce=int, label="Residual impact")
    residual_likelihood = django_filters.TypedChoiceFilter(
        choices=Likelihood.choices, coerce=int, label="Residual likelihood"
    )
    sort = SortFilter(sorts=SORTS, default="code", tiebreak=("project__name", "number"))

    class Meta:
        model = Risk
        fields = [
            "q",
            "project",
            "category",
            "status",
            "residual_band",
            "inherent_band",
            "owner",
            "unowned",
            "overdue",
            "escalated",
            "impact",
            "likelihood",
            "residual_impact",
            "residual_likelihood",
            "sort",
        ]

    def __init__(self, data=None, *args, user=None, project=None, default_sort="code", **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["sort"].default = default_sort
        user = user or getattr(self.request, "user", None)
        projects = visible_projects(user) if user is not None else Project.objects.none()
        self.filters["project"].queryset = projects.order_by("name")
        owners = get_user_model().objects.filter(owned_risks__project__in=[project] if project else projects)
        self.filters["owner"].queryset = owners.distinct().order_by("first_name", "last_name", "username")
        if project is not None:
            del self.filters["project"]

    def search(self, queryset, name, value):
        condition = Q(title__icontains=value) | Q(description__icontains=value) | Q(mitigation__icontains=value)
        number = parse_code(value)
        if number is not None:
            condition |= Q(number=number)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=LIVE_STATUSES) if value == LIVE else queryset.filter(status=value)

    def filter_band(self, queryset, name, value):
        return queryset.filter(_band_q(name.removesuffix("_band"), value))

    def filter_unowned(self, queryset, name, value):
        return queryset.filter(owner__isnull=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.aging(today=timezone.localdate()) if value else queryset

    def filter_escalated(self, queryset, name, value):
        return queryset.escalated(today=timezone.localdate()) if value else queryset


def describe_filters(filterset: RiskFilter) -> list[tuple[str, str]]:
    """The filters in effect, as (label, value) pairs a person can read (for export headers)."""
    form = filterset.form
    if not form.is_valid():
        return []
    described = []
    for name, value in form.cleaned_data.items():
        if name == "sort" or value in (None, "", False):
            continue
        field = form.fields[name]
        if value is True:
            display = "Yes"
        elif isinstance(value, Model):
            display = str(value)
        else:
            display = dict(getattr(field, "choices", ())).get(value, value)
        described.append((str(field.label), str(display)))
    return described


SORT_CHOICES = RiskFilter.base_filters["sort"].extra["choices"]
