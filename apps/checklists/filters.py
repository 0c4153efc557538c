"""Filters of a checklist's items, shared by the checklist page and the API (django-filter)."""

import django_filters
from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from apps.core.forms import StyledFormMixin
from apps.projects.choices import Stage

from .choices import Requirement, ResponseStatus
from .models import ItemResponse, ProjectChecklist, TemplateItem

OWNER_CHOICES = [("me", "Me"), ("none", "Nobody yet")]


class ItemFilterForm(StyledFormMixin, forms.Form):
    """The filter bar's form: Bootstrap-styled like every other form."""


def checklist_items(checklist: ProjectChecklist) -> QuerySet[TemplateItem]:
    """The items of the checklist's version, in order, with the project's answer's status and owner."""
    response = ItemResponse.objects.filter(checklist=checklist, item=OuterRef("pk"))
    return (
        TemplateItem.objects.filter(version_id=checklist.version_id)
        .select_related("section")
        .annotate(
            response_status=Coalesce(Subquery(response.values("status")[:1]), Value(ResponseStatus.OPEN.value)),
            response_owner_id=Subquery(response.values("owner_id")[:1]),
        )
        .order_by("position")
    )


class ItemFilter(django_filters.FilterSet):
    """Items by text, stage, status, requirement and owner; invalid values are ignored rather than failing the page."""

    q = django_filters.CharFilter(method="search", label="Search")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label="Stage", empty_label="All stages")
    status = django_filters.ChoiceFilter(
        field_name="response_status", choices=ResponseStatus.choices, label="Status", empty_label="Any status"
    )
    requirement = django_filters.ChoiceFilter(
        choices=Requirement.choices, label="Requirement", empty_label="Any requirement"
    )
    owner = django_filters.ChoiceFilter(
        choices=OWNER_CHOICES, method="filter_owner", label="Owner", empty_label="Anyone"
    )

    class Meta:
        model = TemplateItem
        form = ItemFilterForm
        fields = ["q", "stage", "status", "requirement", "owner"]

    def __init__(self, data=None, queryset=None, *, checklist: ProjectChecklist, user=None, **kwargs):
        super().__init__(data, checklist_items(checklist) if queryset is None else queryset, **kwargs)
        self.user = user or getattr(self.request, "user", None)

    @property
    def active(self) -> bool:
        """Whether a valid filter narrows the list (the page then says "match the filters" and offers Reset)."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(self.form.cleaned_data.get(name) for name in self.filters)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(key__icontains=value))

    def filter_owner(self, queryset, name, value):
        if value == "none":
            return queryset.filter(response_owner_id__isnull=True)
        if self.user is None or self.user.pk is None:
            return queryset.none()
        return queryset.filter(response_owner_id=self.user.pk)
