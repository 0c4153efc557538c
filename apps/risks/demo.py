"""Demo risks for `manage.py seed_demo`: the guide's sample register on the churn project, plus
realistic risks on every demo project, created through the register's own services."""

import datetime

from auditlog.context import set_actor
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.projects.models import Project

from . import services
from .choices import Category, ReviewFrequency, RiskStatus
from .importing import EXAMPLE_FILE, risk_import_confirm, risk_import_start
from .models import Risk, RiskRegister

# slug -> risks: (title, category, stage, (impact, likelihood), (residual impact, likelihood), owner, mitigation,
#                 extra) where extra may hold status, review_frequency, and demo-only: overdue_days, reviewed_by,
#                 accept (days until the acceptance ends)
DEMO_RISKS = {
    "customer-churn-predictor": [
        (
            "Model under-serves customers with short tenure",
            Category.FAIRNESS_BIAS,
            "evaluation",
            (4, 3),
            (4, 2),
            "noor.ethics",
            "AUC gap between tenure < 6 months and ≥ 6 months checked at every evaluation (guardrail ≤ 0.10); "
            "reweighting of short-tenure examples.",
            {"review_frequency": ReviewFrequency.MONTHLY, "reviewed_by": "noor.ethics"},
        ),
        (
            "Training extracts keep customer PII beyond the retention policy",
            Category.PRIVACY,
            "data_preparation",
            (5, 2),
            (5, 1),
            "rita.compliance",
            "Pseudonymise customer ids in the feature store; 90-day purge job with audit log.",
            {"status": RiskStatus.MITIGATING, "review_frequency": ReviewFrequency.QUARTERLY},
        ),
        (
            "Customers game churn signals to obtain save offers",
            Category.SECURITY,
            "deployment",
            (3, 2),
            (2, 2),
            "amara.sme",
            "Offer eligibility capped at one save offer per customer per year; anomaly report to retention ops.",
            {"accept": 90},
        ),
        (
            "CRM vendor API deprecation breaks daily scoring",
            Category.DEPENDENCY_FRAGILITY,
            "deployment",
            (4, 3),
            (4, 3),
            None,
            "",
            {"overdue_days": 11},
        ),
        (
            "Only one engineer understands the feature pipeline",
            Category.TALENT_GAPS,
            "feature_engineering",
            (3, 4),
            (3, 2),
            "lena.pm",
            "Pair rotation on pipeline changes; runbook for the nightly feature build.",
            {"status": RiskStatus.MITIGATING},
        ),
        (
            "Hold-out set leaked future cancellations into training",
            Category.DATA_AVAILABILITY,
            "model_development",
            (4, 2),
            (1, 1),
            "sam.ds",
            "Time-based split enforced in the training pipeline; leak check in CI.",
            {"status": RiskStatus.CLOSED},
        ),
    ],
    "support-knowledge-assistant": [
        (
            "Assistant states policy details that its cited sources do not support",
            Category.LLM_SAFETY,
            "model_development",
            (5, 4),
            (4, 2),
            "sam.ds",
            "Groundedness check on every answer (claims must cite a passage); answers below 0.9 go to a human.",
            {"status": RiskStatus.MITIGATING},
        ),
        (
            "Prompt injection through customer-written ticket text",
            Category.SECURITY,
            "model_development",
            (4, 3),
            (4, 2),
            "kai.mlops",
            "Ticket text passed as quoted data, never as instructions; red-team suite in CI.",
            {"overdue_days": 3, "propose": ("kai.mlops", 90)},
        ),
        (
            "Ticket transcripts with personal data sent to an external model provider",
            Category.PRIVACY,
            "data_preparation",
            (5, 3),
            (5, 1),
            "rita.compliance",
            "PII redaction before the prompt; data processing agreement with zero retention.",
            {"review_frequency": ReviewFrequency.MONTHLY},
        ),
        (
            "Knowledge base holds outdated refund policies",
            Category.DATA_AVAILABILITY,
            "data_preparation",
            (3, 4),
            (3, 2),
            "lena.pm",
            "Articles carry an owner and a review date; stale articles are excluded from retrieval.",
            {},
        ),
        (
            "Transparency duties for AI-drafted answers change with the EU AI Act",
            Category.REGULATORY_CHANGE,
            "deployment",
            (3, 3),
            (3, 2),
            "rita.compliance",
            "Quarterly regulatory review; drafted answers are labelled as AI-assisted.",
            {"review_frequency": ReviewFrequency.QUARTERLY},
        ),
    ],
    "store-demand-forecast": [
        (
            "Promotions calendar arrives late from merchandising",
            Category.DATA_AVAILABILITY,
            "monitoring",
            (3, 4),
            (3, 3),
            "diego.de",
            "Fallback to last year's promotion pattern; data contract with merchandising (T-14 days).",
            {},
        ),
        (
            "Forecast bias during holiday peaks",
            Category.CONCEPT_DRIFT,
            "monitoring",
            (4, 3),
            (4, 2),
            "sam.ds",
            "Bias monitor per week (±5% guardrail); holiday features retrained each October.",
            {"overdue_days": 20},
        ),
        (
            "Forecast pipeline depends on a deprecated weather feed",
            Category.DEPENDENCY_FRAGILITY,
            "monitoring",
            (3, 3),
            (3, 2),
            "diego.de",
            "Second weather provider wired as fallback; feed health alert.",
            {},
        ),
    ],
}


def demo_risks_seed(*, people: dict, projects: dict) -> str:
    """Seed each demo project's register once (a project whose register has issued a code is left alone)."""
    seeded = []
    for slug, specs in DEMO_RISKS.items():
        project = projects.get(slug)
        if project is None or RiskRegister.objects.filter(project=project, last_number__gt=0).exists():
            continue
        with set_actor(project.created_by):
            created = _seed_project(project=project, specs=specs, people=people)
        seeded.append(f"{project.name}: {created}")
    return f"Risk registers: {'; '.join(seeded) or 'already seeded'}"


def _seed_project(*, project: Project, specs, people: dict) -> int:
    actor = project.created_by
    created = 0
    if project.slug == "customer-churn-predictor":
        upload = SimpleUploadedFile(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes(), content_type="text/csv")
        sample_import = risk_import_start(actor=actor, project=project, upload=upload)
        created += len(risk_import_confirm(actor=actor, risk_import=sample_import).created_codes)
        sample = {risk.number: risk for risk in Risk.objects.filter(project=project)}
        with set_actor(people["diego.de"]):
            services.risk_review(
                actor=people["diego.de"], risk=sample[1], note="Schema diff alerts fired twice, caught."
            )
        _backdate([sample[3]], days=2)
        _backdate([sample[2]], days=9)
    for title, category, stage, (impact, likelihood), (r_impact, r_likelihood), owner, mitigation, extra in specs:
        risk = services.risk_create(
            actor=actor,
            project=project,
            title=title,
            category=category,
            stage=stage,
            impact=impact,
            likelihood=likelihood,
            residual_impact=r_impact,
            residual_likelihood=r_likelihood,
            owner=people.get(owner),
            mitigation=mitigation,
            status=extra.get("status", RiskStatus.OPEN),
            review_frequency=extra.get("review_frequency", ReviewFrequency.WEEKLY),
        )
        created += 1
        if "reviewed_by" in extra:
            with set_actor(people[extra["reviewed_by"]]):
                services.risk_review(actor=people[extra["reviewed_by"]], risk=risk)
        if "accept" in extra:
            services.risk_accept(
                actor=actor,
                risk=risk,
                expires_on=timezone.localdate() + datetime.timedelta(days=extra["accept"]),
                note="Residual risk within appetite: the offer cap limits the loss per customer.",
            )
        if "propose" in extra:  # a proposal above the threshold: waits in the PO's and the CO's sign-offs
            proposer, days = extra["propose"]
            services.risk_accept(
                actor=people[proposer],
                risk=risk,
                expires_on=timezone.localdate() + datetime.timedelta(days=days),
                note="Red-team suite passes; the remaining injection paths need an attacker inside the ticket flow.",
            )
        if "overdue_days" in extra:
            _backdate([risk], days=extra["overdue_days"])
    return created


def _backdate(risks: list[Risk], *, days: int) -> None:
    """Demo only: make risks look unreviewed for `days` days past their review date, so the demo shows
    aging and escalation. No service does this (it would need waiting), hence the direct update."""
    Risk.objects.filter(pk__in=[risk.pk for risk in risks]).update(
        next_review_on=timezone.localdate() - datetime.timedelta(days=days)
    )
