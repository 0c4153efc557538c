"""Sorting on django-filter (apps.core.filters.SortFilter): one key in the URL, a default, stable pages."""

import django_filters
import pytest
from django.db.models import F

from apps.core.filters import SortFilter
from apps.projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class ProjectSort(django_filters.FilterSet):
    sort = SortFilter(
        sorts={"name": ("Name", ("name",)), "benefit": ("Benefit", (F("annual_benefit").asc(nulls_last=True),))},
        default="name",
        tiebreak=("id",),
    )

    class Meta:
        model = Project
        fields = ["sort"]


@pytest.fixture
def projects():
    return [
        ProjectFactory(name="Beta", annual_benefit=10),
        ProjectFactory(name="Alpha", annual_benefit=None),
        ProjectFactory(name="Gamma", annual_benefit=30),
    ]


def names(data):
    return [project.name for project in ProjectSort(data, queryset=Project.objects.all()).qs]


def test_no_sort_means_the_default_and_a_key_sorts_either_way(projects):
    assert names({}) == ["Alpha", "Beta", "Gamma"]
    assert names({"sort": "-name"}) == ["Gamma", "Beta", "Alpha"]


def test_empty_values_stay_last_in_both_directions(projects):
    assert names({"sort": "benefit"}) == ["Beta", "Gamma", "Alpha"]
    assert names({"sort": "-benefit"}) == ["Gamma", "Beta", "Alpha"]


def test_the_choices_offer_each_key_both_ways_and_the_form_keeps_one_value(projects):
    filterset = ProjectSort({"sort": "-benefit"}, queryset=Project.objects.all())
    assert [value for value, _ in filterset.form.fields["sort"].choices] == ["name", "-name", "benefit", "-benefit"]
    assert filterset.form["sort"].value() == "-benefit"
    assert not ProjectSort({"sort": "owner"}, queryset=Project.objects.all()).form.is_valid()
