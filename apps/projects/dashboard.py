"""Projects on the dashboard: an Executive Sponsor's portfolio by stage and its business case."""

from django.db.models import Count, Sum

from .choices import Stage
from .models import Project

BUSINESS_CASE_ROWS = 15


def _number(value):
    return None if value is None else float(value)


def projects_by_stage(viewer, projects) -> dict:
    """How many of `projects` are at each of the eight stages (one query)."""
    grouped = projects.order_by().values("current_stage").annotate(n=Count("pk"))
    counts = {row["current_stage"]: row["n"] for row in grouped}
    peak = max([*counts.values(), 1])
    # `share`: the bar's length in tens of percent of the busiest stage (a CSS class: no inline styles, CSP).
    stages = [
        {"stage": value, "label": label, "count": n, "share": 10 * round(10 * n / peak)}
        for value, label in Stage.choices
        for n in [counts.get(value, 0)]
    ]
    return {"projects": sum(counts.values()), "stages": stages}


def business_case(viewer, projects) -> dict:
    """ROI and payback of each project (the profile's formulas) and of the whole portfolio (two queries).

    The portfolio's figures are the same formulas over the summed benefit, cost and investment
    of the projects whose profile gives all three.
    """
    complete = projects.filter(
        annual_benefit__isnull=False, annual_cost__isnull=False, initial_investment__isnull=False
    )
    totals = complete.order_by().aggregate(
        annual_benefit=Sum("annual_benefit"),
        annual_cost=Sum("annual_cost"),
        initial_investment=Sum("initial_investment"),
        with_case=Count("pk"),
    )
    portfolio = Project(
        annual_benefit=totals["annual_benefit"],
        annual_cost=totals["annual_cost"],
        initial_investment=totals["initial_investment"],
    )
    rows = [
        {
            "project_name": project.name,
            "project_key": project.key,
            "url": project.get_absolute_url(),
            "stage": project.get_current_stage_display(),
            "annual_benefit": _number(project.annual_benefit),
            "annual_cost": _number(project.annual_cost),
            "roi": _number(project.roi),
            "payback_months": _number(project.payback_months),
        }
        for project in projects.order_by("name", "pk")[:BUSINESS_CASE_ROWS]
    ]
    return {
        "projects_with_case": totals["with_case"],
        "annual_benefit": _number(totals["annual_benefit"]),
        "annual_cost": _number(totals["annual_cost"]),
        "initial_investment": _number(totals["initial_investment"]),
        "roi": _number(portfolio.roi),
        "payback_months": _number(portfolio.payback_months),
        "rows": rows,
    }
