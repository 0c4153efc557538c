"""The benchmark scripts' shared data: one project profile and one way to make a risk in bulk.

Imported after `django.setup()` by scripts/benchmark.py, benchmark_dashboard.py and benchmark_risk_pdf.py.
"""

import datetime

from apps.projects.choices import LatencyClass, Objective, UseCase
from apps.risks.choices import Category
from apps.risks.models import Risk


def project_fields(name: str, **extra) -> dict:
    """What `project_create` needs beyond the actor and slug, for a project that exists to be measured."""
    return {
        "name": name,
        "problem_statement": "A project that exists to be measured.",
        "use_case": UseCase.CLASSIFICATION,
        "objective": Objective.PREDICTIVE,
        "latency_class": LatencyClass.BATCH,
        "primary_metric": "AUC",
        "guardrail_metrics": ["Precision"],
        "minimum_threshold": "AUC ≥ 0.8",
        **extra,
    }


def bench_risk(*, project, number: int, rng, owners, today: datetime.date, review_days=(-20, 30), **extra) -> Risk:
    """An unsaved risk with random scores, for `bulk_create` (risk_create would take an hour for 10,000)."""
    impact, likelihood = rng.randint(1, 5), rng.randint(1, 5)
    return Risk(
        project=project,
        number=number,
        title=f"Benchmark risk {number}",
        description="A risk that exists to be counted.",
        category=rng.choice(Category.values),
        impact=impact,
        likelihood=likelihood,
        residual_impact=rng.randint(1, impact),
        residual_likelihood=rng.randint(1, likelihood),
        owner=rng.choice(owners),
        mitigation="Monitor and review weekly.",
        next_review_on=today + datetime.timedelta(days=rng.randint(*review_days)),
        **extra,
    )
