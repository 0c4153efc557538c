"""Filters of the notification centre (the page and the API share them)."""

import django_filters

from apps.core.lazy_choices import PROJECT_BY_SLUG
from apps.projects.models import Project

from .models import Notification
from .registry import categories

READ_CHOICES = [("unread", "Unread"), ("read", "Read")]


def _category_choices():
    return [(category.key, category.label) for category in categories()]


def _projects(request):
    if request is None or not request.user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(notifications__recipient=request.user).distinct().order_by("name")


# The projects someone hears from can be every project of the portfolio: loaded on demand.
LAZY_FIELDS = {"project": PROJECT_BY_SLUG}


class NotificationFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=[], empty_label="All categories")
    status = django_filters.ChoiceFilter(
        label="Read", choices=READ_CHOICES, method="filter_status", empty_label="Read and unread"
    )
    project = django_filters.ModelChoiceFilter(
        queryset=_projects, field_name="project", to_field_name="slug", empty_label="All projects"
    )

    class Meta:
        model = Notification
        fields = ["category", "status", "project"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Categories are registered from AppConfig.ready(), after this module may have been imported;
        # the form field may even have been built already (the OpenAPI schema builds it on the class
        # filter, and every instance copies it), so the choices are set on the field too.
        category = self.filters["category"]
        category.extra["choices"] = _category_choices()
        category.field.choices = category.extra["choices"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "unread")
