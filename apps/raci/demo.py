"""Demo matrices for the three demo projects (registered with apps.projects.demo, order 40; idempotent)."""

from apps.projects.choices import Role, Stage
from apps.signoffs import services as signoff_services

from . import services
from .choices import ActivityKind
from .selectors import approval_requests

# project slug -> team activities: (name, stage, cells)
TEAM_ACTIVITIES = {
    "customer-churn-predictor": [
        (
            "Save-offer A/B test design",
            Stage.EVALUATION,
            {Role.PRODUCT_MANAGER: "R", Role.PRODUCT_OWNER: "A", Role.DATA_SCIENTIST: "C", Role.DOMAIN_SME: "C"},
        ),
    ],
    "support-knowledge-assistant": [
        (
            "Red-team review",
            Stage.EVALUATION,
            {
                Role.DATA_SCIENTIST: "R",
                Role.ETHICS_REVIEWER: "A",
                Role.COMPLIANCE_OFFICER: "C",
                Role.PRODUCT_OWNER: "I",
            },
        ),
        ("Prompt library versioning", Stage.DEPLOYMENT, {Role.MLOPS_ENGINEER: "R", Role.PRODUCT_OWNER: "A"}),
    ],
    # Left with a gap on purpose: the rule check shows it (no Accountable yet).
    "store-demand-forecast": [
        ("Store rollout plan", Stage.DEPLOYMENT, {Role.DOMAIN_SME: "R", Role.PRODUCT_MANAGER: "C"}),
    ],
}


def demo_raci_seed(*, people: dict, projects: dict) -> str:
    """Matrices for every demo project, their team activities, and an approved matrix for the churn project."""
    made = []
    for slug, project in projects.items():
        matrix = services.raci_matrix_setup(actor=project.created_by, project=project)
        existing = set(matrix.activities.filter(kind=ActivityKind.CUSTOM).values_list("name", flat=True))
        for name, stage, cells in TEAM_ACTIVITIES.get(slug, []):
            if name not in existing:
                services.raci_activity_create(
                    actor=project.created_by, matrix=matrix, name=name, stage=stage, cells=cells
                )
        made.append(slug)
    churn = projects.get("customer-churn-predictor")
    if churn is not None and not approval_requests(matrix=churn.raci_matrix):
        signoff = services.raci_matrix_submit(
            actor=people["lena.pm"], matrix=churn.raci_matrix, note="Initial RACI for the churn project."
        )
        for approver in ("marcus.sponsor", "priya.owner"):
            signoff_services.signoff_decide(actor=people[approver], signoff=signoff, approve=True, note="Agreed.")
    return f"RACI matrices for {len(made)} projects (churn: approved; forecast: one open gap)."
