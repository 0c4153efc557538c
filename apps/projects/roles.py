"""Project role -> per-project permissions: the single definition.

Everything derives from PROJECT_PERMISSIONS and ROLE_PERMISSIONS: the Project
model's Meta.permissions, the grants made when a membership changes, and the
table in docs/permissions.md (`python manage.py permissions_table` prints it).
Later apps add their actions here; records that belong to a project are
authorized through these project permissions.
"""

from .choices import Role

VIEW = "view_project"
CHANGE = "change_project"
DELETE = "delete_project"
MANAGE_MEMBERS = "manage_members"
VIEW_AUDIT = "view_project_audit"
WORK_CHECKLISTS = "work_checklists"
MANAGE_CHECKLISTS = "manage_checklists"
MANAGE_DELIVERABLES = "manage_deliverables"
MANAGE_RISKS = "manage_risks"
GOVERN_RISKS = "govern_risks"
MANAGE_GATES = "manage_gates"
MANAGE_MODEL_CARDS = "manage_model_cards"
MANAGE_INCIDENTS = "manage_incidents"
MANAGE_RACI = "manage_raci"
MANAGE_REVIEWS = "manage_reviews"

# Custom per-project permissions (Django creates view/change/delete itself).
PROJECT_PERMISSIONS = [
    (MANAGE_MEMBERS, "Can add and remove project members"),
    (VIEW_AUDIT, "Can read the project's audit trail"),
    (WORK_CHECKLISTS, "Can work on checklist items: status, owner, evidence, comments, review"),
    (MANAGE_CHECKLISTS, "Can apply, upgrade and remove checklist templates"),
    (MANAGE_DELIVERABLES, "Can set up deliverables, assign their owners and approve them"),
    (MANAGE_RISKS, "Can record, edit, review and import risks"),
    (GOVERN_RISKS, "Can accept risks within the threshold, set the threshold and delete risks"),
    (MANAGE_GATES, "Can submit stage gates for sign-off, record Go / No-Go decisions and reopen gates"),
    (MANAGE_MODEL_CARDS, "Can edit and import model cards and submit their revisions for sign-off"),
    (MANAGE_INCIDENTS, "Can open and work incidents, write post-incident reviews and action items"),
    (MANAGE_RACI, "Can edit the RACI matrix and submit it for approval"),
    (MANAGE_REVIEWS, "Can schedule governance review series and record review meetings"),
]

ACTION_LABELS = {
    VIEW: "View the project and its records",
    CHANGE: "Edit the project profile, stage and ROI inputs",
    MANAGE_MEMBERS: "Add and remove members and their roles",
    DELETE: "Delete the project",
    VIEW_AUDIT: "Read the project's audit trail",
    WORK_CHECKLISTS: "Work on checklist items (status, owner, evidence, comments, peer review)",
    MANAGE_CHECKLISTS: "Apply, upgrade and remove checklist templates",
    MANAGE_DELIVERABLES: "Set up deliverables, assign their owners and approve them",
    MANAGE_RISKS: 'Record, edit, review ("Reviewed, no change") and import risks',
    GOVERN_RISKS: "Accept risks within the acceptance threshold, set the threshold, delete risks",
    MANAGE_GATES: "Submit stage gates, record Go / No-Go decisions, reopen gates",
    MANAGE_MODEL_CARDS: "Edit and import model cards, submit revisions for sign-off",
    MANAGE_INCIDENTS: "Open and work incidents, write post-incident reviews and action items",
    MANAGE_RACI: "Edit the RACI matrix and submit it for approval",
    MANAGE_REVIEWS: "Schedule governance review series, record review meetings",
}

_LEADS = {
    VIEW,
    CHANGE,
    VIEW_AUDIT,
    WORK_CHECKLISTS,
    MANAGE_CHECKLISTS,
    MANAGE_DELIVERABLES,
    MANAGE_RISKS,
    MANAGE_GATES,
    MANAGE_MODEL_CARDS,
    MANAGE_INCIDENTS,
    MANAGE_RACI,
    MANAGE_REVIEWS,
}
_WORKERS = {VIEW, WORK_CHECKLISTS, MANAGE_RISKS, MANAGE_INCIDENTS}
# Who keeps model cards current (the Production ML checklist: the model's builders).
_MODEL_BUILDERS = {MANAGE_MODEL_CARDS}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.EXECUTIVE_SPONSOR: frozenset({VIEW, VIEW_AUDIT}),
    Role.PRODUCT_OWNER: frozenset(_LEADS | {MANAGE_MEMBERS, DELETE, GOVERN_RISKS}),
    Role.PRODUCT_MANAGER: frozenset(_LEADS),
    Role.DATA_SCIENTIST: frozenset(_WORKERS | _MODEL_BUILDERS),
    Role.DATA_ENGINEER: frozenset(_WORKERS),
    Role.MLOPS_ENGINEER: frozenset(_WORKERS | _MODEL_BUILDERS),
    Role.DOMAIN_SME: frozenset(_WORKERS),
    Role.QA_ENGINEER: frozenset(_WORKERS),
    Role.COMPLIANCE_OFFICER: frozenset(_WORKERS | {VIEW_AUDIT, GOVERN_RISKS, MANAGE_REVIEWS}),
    Role.ETHICS_REVIEWER: frozenset(_WORKERS | {VIEW_AUDIT}),
}

# The portal-wide Compliance Auditor group: reads every project and register, changes nothing.
AUDITOR_PERMISSIONS = (
    "projects.view_project",
    "projects.view_membership",
    "projects.view_project_audit",
    "audit.view_auditentry",
)
# Members of the Project Creators group may start projects (and become their Product Owner).
CREATOR_PERMISSIONS = ("projects.add_project",)


def permissions_for_roles(roles) -> frozenset[str]:
    """Union of the per-project permissions of `roles`."""
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)
