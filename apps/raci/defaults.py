"""The default matrix, derived from the lifecycle guide (seed 003). docs/raci.md explains each rule.

For an activity of stage S:

* Accountable: the stage's governing role, the first approver of the stage in
  apps/gates/choices.STAGE_APPROVERS (Executive Sponsor for Scoping and Feasibility,
  Product Owner from Data Preparation on).
* Responsible: a deliverable's "Owner (Initial)" from the registry; for a gate, the
  role that leads the stage's work (STAGE_LEAD).
* Consulted: the other roles whose "Focus Sections" in the guide's audience matrix
  cover S (STAGE_FOCUS), the stage's other gate approvers, and per-deliverable
  additions the guide names (DELIVERABLE_CONSULTED).
* Informed: the remaining governance roles (GOVERNANCE_ROLES); working roles
  outside their focus get no letter.
"""

from apps.gates.choices import STAGE_APPROVERS
from apps.projects.choices import Role, Stage

from .choices import Letter

GOVERNING_ROLE: dict[str, str] = {stage: approvers[0] for stage, approvers in STAGE_APPROVERS.items()}

# Who does a stage's work and submits its gate (guide section 5.1 "Owns ...").
STAGE_LEAD: dict[str, str] = {
    Stage.SCOPING: Role.PRODUCT_MANAGER,
    Stage.FEASIBILITY: Role.DATA_SCIENTIST,
    Stage.DATA_PREPARATION: Role.DATA_ENGINEER,
    Stage.FEATURE_ENGINEERING: Role.DATA_SCIENTIST,
    Stage.MODEL_DEVELOPMENT: Role.DATA_SCIENTIST,
    Stage.EVALUATION: Role.DATA_SCIENTIST,
    Stage.DEPLOYMENT: Role.MLOPS_ENGINEER,
    Stage.MONITORING: Role.MLOPS_ENGINEER,
}

_ALL = set(Stage.values)
# The audience matrix's "Focus Sections", as stages (1 = Scoping ... 8 = Monitoring).
STAGE_FOCUS: dict[str, set[str]] = {
    Role.EXECUTIVE_SPONSOR: {Stage.SCOPING},
    Role.PRODUCT_OWNER: {Stage.SCOPING, Stage.FEASIBILITY},  # 5.1: approves scope, signs off success metrics
    Role.PRODUCT_MANAGER: {Stage.SCOPING, Stage.FEASIBILITY, Stage.DEPLOYMENT, Stage.MONITORING},
    Role.DATA_SCIENTIST: {
        Stage.FEASIBILITY,
        Stage.DATA_PREPARATION,
        Stage.FEATURE_ENGINEERING,
        Stage.MODEL_DEVELOPMENT,
        Stage.EVALUATION,
    },
    Role.DATA_ENGINEER: {Stage.DATA_PREPARATION, Stage.MONITORING},
    Role.MLOPS_ENGINEER: {Stage.DEPLOYMENT, Stage.MONITORING},
    Role.DOMAIN_SME: {Stage.SCOPING, Stage.FEATURE_ENGINEERING, Stage.EVALUATION},
    Role.QA_ENGINEER: {Stage.EVALUATION, Stage.MONITORING},
    Role.COMPLIANCE_OFFICER: {Stage.DEPLOYMENT, Stage.MONITORING},
    Role.ETHICS_REVIEWER: {Stage.EVALUATION, Stage.DEPLOYMENT, Stage.MONITORING},
}
assert set(STAGE_FOCUS) == set(Role.values) and all(stages <= _ALL for stages in STAGE_FOCUS.values())

# Roles that govern rather than build: kept informed of what they are not consulted on.
GOVERNANCE_ROLES = (
    Role.EXECUTIVE_SPONSOR,
    Role.PRODUCT_OWNER,
    Role.PRODUCT_MANAGER,
    Role.COMPLIANCE_OFFICER,
    Role.ETHICS_REVIEWER,
)

# Deliverables the guide ties to a role beyond its stage focus.
DELIVERABLE_CONSULTED: dict[str, set[str]] = {
    "risk-register": {Role.EXECUTIVE_SPONSOR, Role.COMPLIANCE_OFFICER},  # both list "Risk Register" as a focus
    "baseline-kpi-sheet": {Role.DATA_SCIENTIST},  # owner "Product / Data Scientist"
    "performance-efficiency-profile": {Role.MLOPS_ENGINEER},  # owner "Data Scientist / MLOps"
    "failure-mode-catalog": {Role.QA_ENGINEER, Role.DOMAIN_SME},  # owner "Data Scientist / QA"; SME: failure modes
    "retraining-trigger-criteria": {Role.MLOPS_ENGINEER},  # owner "Data Scientist / MLOps"
    "data-dictionary": {Role.DATA_SCIENTIST},  # owner "Data Engineer / Data Scientist"
    "decision-logs": {Role.PRODUCT_OWNER},  # owner "Tech Lead / Product"
    "model-card": {Role.COMPLIANCE_OFFICER, Role.ETHICS_REVIEWER},  # disclosure: purpose, data, fairness
    "explainability-artifact-bundle": {Role.ETHICS_REVIEWER},  # "fairness & accountability"
    "security-compliance-checklist": {Role.ETHICS_REVIEWER},
}


def default_cells(*, stage: str, responsible: str, consulted: set[str] = frozenset()) -> dict[str, set[str]]:
    """role -> letters for one activity of `stage` whose Responsible role is `responsible`."""
    accountable = GOVERNING_ROLE[stage]
    cells: dict[str, set[str]] = {role: set() for role in Role.values}
    cells[responsible].add(Letter.RESPONSIBLE)
    cells[accountable].add(Letter.ACCOUNTABLE)
    for role in Role.values:
        if role in (responsible, accountable):
            continue
        if stage in STAGE_FOCUS[role] or role in consulted:
            cells[role].add(Letter.CONSULTED)
        elif role in GOVERNANCE_ROLES:
            cells[role].add(Letter.INFORMED)
    return {role: letters for role, letters in cells.items() if letters}


def gate_cells(stage: str) -> dict[str, set[str]]:
    """A gate's default: its other approvers are consulted (they are asked when it is submitted)."""
    return default_cells(stage=stage, responsible=STAGE_LEAD[stage], consulted=set(STAGE_APPROVERS[stage][1:]))


def deliverable_cells(deliverable) -> dict[str, set[str]]:
    return default_cells(
        stage=deliverable.primary_stage,
        responsible=deliverable.owner_role,
        consulted=DELIVERABLE_CONSULTED.get(deliverable.key, set()),
    )
