"""Demo people and projects for `manage.py seed_demo` (demo-only passwords, see README).

Apps add their demo records through `register_demo_seed` from their `ready()`:
seed_demo creates the people and projects below, then runs every registered seed
in `order` order (checklists 10, deliverables 20, risks 30, ...).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .choices import LatencyClass, Objective, ProjectStatus, Role, Stage, UseCase

DEMO_PASSWORD = "demo-governance-2026"  # noqa: S105 - documented demo-only password

# username: (first name, last name, job title, project role they typically hold)
DEMO_PEOPLE = {
    "marcus.sponsor": ("Marcus", "Lindqvist", "VP Customer Operations", Role.EXECUTIVE_SPONSOR),
    "priya.owner": ("Priya", "Raman", "Product Owner, Retention", Role.PRODUCT_OWNER),
    "lena.pm": ("Lena", "Fischer", "Product Manager, Data Products", Role.PRODUCT_MANAGER),
    "sam.ds": ("Sam", "Okafor", "Senior Data Scientist", Role.DATA_SCIENTIST),
    "diego.de": ("Diego", "Alvarez", "Data Engineer", Role.DATA_ENGINEER),
    "kai.mlops": ("Kai", "Nakamura", "MLOps Engineer", Role.MLOPS_ENGINEER),
    "amara.sme": ("Amara", "Mensah", "Customer Success Lead (Domain SME)", Role.DOMAIN_SME),
    "tom.qa": ("Tom", "Becker", "QA / Test Engineer", Role.QA_ENGINEER),
    "rita.compliance": ("Rita", "Costa", "Security & Compliance Officer", Role.COMPLIANCE_OFFICER),
    "noor.ethics": ("Noor", "Haddad", "Responsible AI Reviewer", Role.ETHICS_REVIEWER),
}
DEMO_AUDITOR = ("alex.auditor", "Alex", "Morgan", "Internal Audit — Compliance Auditor")
DEMO_ADMIN = ("admin", "Portal", "Administrator", "Portal administrator")

DEMO_PROJECTS = [
    {
        "slug": "customer-churn-predictor",
        "owner": "priya.owner",
        "members": {username: [person[3]] for username, person in DEMO_PEOPLE.items()},
        "fields": {
            "name": "Customer Churn Predictor",
            "problem_statement": (
                "Retention marketing cannot tell which active subscribers will cancel in the next 30 days, "
                "so save offers go to the wrong customers."
            ),
            "use_case": UseCase.CLASSIFICATION,
            "objective": Objective.PREDICTIVE,
            "latency_class": LatencyClass.BATCH,
            "primary_metric": "AUC-ROC on the 30-day churn hold-out set",
            "guardrail_metrics": [
                "Precision@10% ≥ 0.60",
                "AUC-ROC gap between tenure < 6 months and ≥ 6 months ≤ 0.10",
            ],
            "minimum_threshold": "AUC-ROC ≥ 0.80",
            "baseline_description": "Rules in the CRM: tenure under 3 months or 2+ support tickets in 30 days.",
            "baseline_metrics": "AUC-ROC 0.71, Precision@10% 0.41",
            "business_kpis": ["30-day churn rate", "Save-offer conversion", "Retained revenue"],
            "annual_benefit": Decimal("480000"),
            "annual_cost": Decimal("300000"),
            "initial_investment": Decimal("150000"),
            "current_stage": Stage.EVALUATION,
            "status": ProjectStatus.ACTIVE,
        },
    },
    {
        "slug": "support-knowledge-assistant",
        "owner": "priya.owner",
        "members": {
            "marcus.sponsor": [Role.EXECUTIVE_SPONSOR],
            "lena.pm": [Role.PRODUCT_MANAGER],
            "sam.ds": [Role.DATA_SCIENTIST],
            "kai.mlops": [Role.MLOPS_ENGINEER],
            "rita.compliance": [Role.COMPLIANCE_OFFICER],
            "noor.ethics": [Role.ETHICS_REVIEWER],
        },
        "fields": {
            "name": "Support Knowledge Assistant",
            "problem_statement": (
                "Support agents spend a third of each ticket searching policy documents; a grounded assistant "
                "should draft cited answers for them."
            ),
            "use_case": UseCase.RAG,
            "objective": Objective.GENERATIVE,
            "latency_class": LatencyClass.NEAR_REAL_TIME,
            "primary_metric": "Answer groundedness (share of claims supported by cited passages)",
            "guardrail_metrics": ["Hallucination rate ≤ 2%", "p95 latency ≤ 2.5 s", "Toxic or unsafe outputs = 0"],
            "minimum_threshold": "Groundedness ≥ 0.90",
            "baseline_description": "Keyword search over the knowledge base; agents read articles themselves.",
            "baseline_metrics": "Median handle time 11.4 min; self-service deflection 18%",
            "business_kpis": ["Median handle time", "First-contact resolution"],
            "annual_benefit": Decimal("620000"),
            "annual_cost": Decimal("410000"),
            "initial_investment": Decimal("350000"),
            "current_stage": Stage.DATA_PREPARATION,
            "status": ProjectStatus.ACTIVE,
        },
    },
    {
        "slug": "store-demand-forecast",
        "owner": "lena.pm",
        "members": {
            "lena.pm": [Role.PRODUCT_MANAGER],
            "marcus.sponsor": [Role.EXECUTIVE_SPONSOR],
            "sam.ds": [Role.DATA_SCIENTIST],
            "diego.de": [Role.DATA_ENGINEER],
            "amara.sme": [Role.DOMAIN_SME],
            "tom.qa": [Role.QA_ENGINEER],
        },
        "fields": {
            "name": "Store Demand Forecast",
            "problem_statement": (
                "Store replenishment over-orders perishables by 14% because weekly demand is forecast by hand."
            ),
            "use_case": UseCase.FORECASTING,
            "objective": Objective.PREDICTIVE,
            "latency_class": LatencyClass.BATCH,
            "primary_metric": "WAPE of weekly unit demand per store and SKU",
            "guardrail_metrics": ["Forecast bias within ±5%", "No store with WAPE above 40%"],
            "minimum_threshold": "WAPE ≤ 18%",
            "baseline_description": "Seasonal naive forecast (same week last year) adjusted by planners.",
            "baseline_metrics": "WAPE 24%, bias +9%",
            "business_kpis": ["Perishable waste", "On-shelf availability"],
            "annual_benefit": Decimal("900000"),
            "annual_cost": Decimal("520000"),
            "initial_investment": Decimal("400000"),
            "current_stage": Stage.MONITORING,
            "status": ProjectStatus.ACTIVE,
        },
    },
]


@dataclass(frozen=True)
class DemoSeed:
    key: str
    seed: Callable[..., str]
    order: int


_seeds: dict[str, DemoSeed] = {}


def register_demo_seed(key: str, seed: Callable[..., str], *, order: int = 100) -> None:
    """Register `seed(*, people, projects) -> str` (a one-line summary; the seed must be idempotent)."""
    _seeds[key] = DemoSeed(key, seed, order)


def demo_seeds() -> list[DemoSeed]:
    return sorted(_seeds.values(), key=lambda seed: (seed.order, seed.key))
