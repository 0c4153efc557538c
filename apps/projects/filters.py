import django_filters
from django.db.models import Q

from .choices import ProjectStatus, Stage, UseCase
from .models import Project


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    current_stage = django_filters.ChoiceFilter(choices=Stage.choices, label="Stage")
    use_case = django_filters.ChoiceFilter(choices=UseCase.choices, label="Use case")

    class Meta:
        model = Project
        fields = ["q", "status", "current_stage", "use_case"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(problem_statement__icontains=value))
