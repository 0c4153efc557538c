from decimal import Decimal

import pytest

from apps.projects.models import Project


def make(benefit, cost, investment):
    return Project(annual_benefit=benefit, annual_cost=cost, initial_investment=investment)


def test_roi_and_payback_match_the_lifecycle_guide_churn_example():
    project = make(Decimal("480000"), Decimal("300000"), Decimal("150000"))
    assert project.roi == Decimal("0.6")
    assert project.monthly_net_benefit == Decimal("15000")
    assert project.payback_months == Decimal("10.0")


@pytest.mark.parametrize(
    ("benefit", "cost", "investment"),
    [(None, Decimal("1"), Decimal("1")), (Decimal("1"), Decimal("0"), Decimal("1")), (Decimal("5"), None, None)],
)
def test_roi_is_unknown_without_benefit_or_with_zero_cost(benefit, cost, investment):
    assert make(benefit, cost, investment).roi is None


def test_a_project_whose_costs_exceed_its_benefit_never_pays_back():
    project = make(Decimal("100000"), Decimal("250000"), Decimal("50000"))
    assert project.roi == Decimal("-0.6")
    assert project.payback_months is None
