"""Projects carry a short key, derived from the name on create and never changed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.projects import services
from apps.projects.models import Project, derive_project_key
from tests.factories import ProjectFactory


@pytest.mark.parametrize(
    ("name", "taken", "key"),
    [
        ("Customer Churn Predictor", set(), "CCP"),
        ("Customer Churn Predictor", {"CCP"}, "CCP2"),
        ("Customer Churn Predictor", {"CCP", "CCP2"}, "CCP3"),
        ("Forecasting", set(), "FORECASTIN"),
        ("X", set(), "XP"),
        ("3D vision", set(), "P3V"),
        ("Détection de fraude", set(), "DDF"),
        ("A B C D E F G H I J K L", {"ABCDEFGHIJ"}, "ABCDEFGHI2"),
    ],
)
def test_a_key_is_derived_from_the_name(name, taken, key):
    assert derive_project_key(name, taken) == key


def test_a_new_project_gets_a_unique_key_that_a_rename_does_not_change(db):
    first = ProjectFactory(name="Customer Churn Predictor")
    second = ProjectFactory(name="Customer Churn Predictor v2")
    assert (first.key, second.key) == ("CCP", "CCPV")
    third = ProjectFactory(name="Customer Churn Predictor")
    assert third.key == "CCP2"
    services.project_update(actor=first.owner, project=first, name="Retention Model")
    first.refresh_from_db()
    assert first.key == "CCP"


def test_the_database_refuses_a_duplicate_or_malformed_key(db):
    project = ProjectFactory(name="Customer Churn Predictor")
    other = ProjectFactory(name="Store Demand Forecast")
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=other.pk).update(key=project.key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=other.pk).update(key="bad-key")
    other.key = "x"
    with pytest.raises(ValidationError):
        other.full_clean()
