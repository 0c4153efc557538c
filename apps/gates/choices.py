from django.db import models

from apps.projects.choices import Role, Stage


class GateState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_SIGNOFF = "awaiting_signoff", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REOPENED = "reopened", "Reopened"


class GateEventKind(models.TextChoices):
    SUBMITTED = "submitted", "Submitted for sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Submission withdrawn"
    INVALIDATED = "invalidated", "Sign-off invalidated"
    REOPENED = "reopened", "Reopened"
    DECISION = "decision", "Go / No-Go decision"
    STAGE_OVERRIDE = "stage_override", "Stage set by an administrator"


class GoNoGo(models.TextChoices):
    GO = "go", "Go"
    NO_GO = "no_go", "No-Go"


# Who signs each stage off (roles not staffed on a project show up as an unmet criterion).
STAGE_APPROVERS: dict[str, list[str]] = {
    Stage.SCOPING: [Role.EXECUTIVE_SPONSOR],
    Stage.FEASIBILITY: [Role.EXECUTIVE_SPONSOR],
    Stage.DATA_PREPARATION: [Role.PRODUCT_OWNER],
    Stage.FEATURE_ENGINEERING: [Role.PRODUCT_OWNER],
    Stage.MODEL_DEVELOPMENT: [Role.PRODUCT_OWNER],
    Stage.EVALUATION: [Role.PRODUCT_OWNER, Role.ETHICS_REVIEWER],
    Stage.DEPLOYMENT: [Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER, Role.ETHICS_REVIEWER],
    Stage.MONITORING: [Role.PRODUCT_OWNER, Role.MLOPS_ENGINEER],
}
