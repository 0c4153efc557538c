"""Vocabularies of incident response (guide 002 "Incident Response", guide 003 section 5.11).

Severity: the portal uses guide 002's P1-P4 scale, the finer of the two, which its
Post-Incident Review Template uses. Guide 003's runbook template speaks SEV1-SEV3;
`SEVERITY_ALIASES` maps those (and Alertmanager's usual `severity` labels) onto it:

    SEV1 -> P1    SEV2 -> P2    SEV3 -> P3    (P4 has no SEV equivalent: minor, no user impact)
    critical -> P2    warning -> P3    info / none -> P4
"""

import datetime

from django.db import models

from apps.projects.choices import Role, UseCase


class Severity(models.TextChoices):
    P1 = "P1", "P1 · Critical: service down or harmful output at scale"
    P2 = "P2", "P2 · High: major degradation, many users affected"
    P3 = "P3", "P3 · Medium: partial degradation, workaround exists"
    P4 = "P4", "P4 · Low: minor, no user-facing impact"


# The two highest severities are signed off by the Product Owner and the Security / Compliance Officer.
HIGH_SEVERITIES = (Severity.P1, Severity.P2)

SEVERITY_ALIASES = {
    "p1": Severity.P1,
    "p2": Severity.P2,
    "p3": Severity.P3,
    "p4": Severity.P4,
    "sev1": Severity.P1,
    "sev2": Severity.P2,
    "sev3": Severity.P3,
    "critical": Severity.P2,
    "page": Severity.P2,
    "warning": Severity.P3,
    "info": Severity.P4,
    "none": Severity.P4,
}


def severity_from(value, *, default: str | None = None) -> str | None:
    """The portal severity for P1-P4, SEV1-SEV3 or an Alertmanager label (case-insensitive)."""
    return SEVERITY_ALIASES.get(str(value or "").strip().lower().replace(" ", ""), default)


class Category(models.TextChoices):
    """Guide 002's failure classification, then guide 003's LLM additions."""

    DATA_ISSUE = "data_issue", "Data issue"
    MODEL_DEGRADATION = "model_degradation", "Model degradation"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    INTEGRATION = "integration", "Integration"
    HARMFUL_CONTENT = "harmful_content", "Harmful content (LLM)"
    JAILBREAK_ATTEMPT = "jailbreak_attempt", "Jailbreak attempt (LLM)"
    RETRIEVAL_FAILURE = "retrieval_failure", "Retrieval failure (LLM)"


LLM_CATEGORIES = (Category.HARMFUL_CONTENT, Category.JAILBREAK_ATTEMPT, Category.RETRIEVAL_FAILURE)
LLM_USE_CASES = (UseCase.NLP_LLM, UseCase.RAG, UseCase.AGENTS)


def categories_for(project) -> list[tuple[str, str]]:
    """The categories an incident of `project` may have (the LLM ones only for LLM projects)."""
    llm = project.use_case in LLM_USE_CASES
    return [(value, label) for value, label in Category.choices if llm or value not in LLM_CATEGORIES]


class Status(models.TextChoices):
    """The incident's life: the guide's rollback procedure, then the review."""

    DETECTED = "detected", "Detected"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    MITIGATED = "mitigated", "Mitigated"
    RESOLVED = "resolved", "Resolved"
    REVIEW_DUE = "review_due", "Review due"
    CLOSED = "closed", "Closed"


# Live incidents: an alert with the same fingerprint updates them instead of opening a new one.
LIVE_STATUSES = (Status.DETECTED, Status.ACKNOWLEDGED, Status.MITIGATED)
STATUS_ORDER = list(Status.values)

# Guide 002, rollback procedure: "acknowledges alert within 5 minutes", "mitigation within 15 minutes".
ACKNOWLEDGE_TARGET = datetime.timedelta(minutes=5)
MITIGATE_TARGET = datetime.timedelta(minutes=15)
# "Complete this template within 5 business days of every production incident."
REVIEW_DUE_BUSINESS_DAYS = 5


class IncidentRole(models.TextChoices):
    """Guide 003's runbook roles, and the project role each is usually filled from."""

    INCIDENT_COMMANDER = "incident_commander", "Incident commander"
    DATA_SCIENTIST = "data_scientist", "Data scientist"
    MLOPS_ENGINEER = "mlops_engineer", "MLOps engineer"
    PRODUCT_OWNER = "product_owner", "Product owner"
    COMPLIANCE_OFFICER = "compliance_officer", "Compliance officer"


INCIDENT_ROLE_FIELDS = {
    IncidentRole.INCIDENT_COMMANDER: "commander",
    IncidentRole.DATA_SCIENTIST: "data_scientist",
    IncidentRole.MLOPS_ENGINEER: "mlops_engineer",
    IncidentRole.PRODUCT_OWNER: "product_owner",
    IncidentRole.COMPLIANCE_OFFICER: "compliance_officer",
}
# The project roles offered first for each incident role (any member may fill any incident role).
SUGGESTED_PROJECT_ROLES = {
    IncidentRole.DATA_SCIENTIST: Role.DATA_SCIENTIST,
    IncidentRole.MLOPS_ENGINEER: Role.MLOPS_ENGINEER,
    IncidentRole.PRODUCT_OWNER: Role.PRODUCT_OWNER,
    IncidentRole.COMPLIANCE_OFFICER: Role.COMPLIANCE_OFFICER,
}


class EntryKind(models.TextChoices):
    """What a timeline entry records."""

    NOTE = "note", "Note"
    STATUS = "status", "Status change"
    ALERT = "alert", "Alert"
    ROLLBACK = "rollback", "Rollback"
    COMMUNICATION = "communication", "Communication"
    REVIEW = "review", "Review"


# Kinds a person writes by hand; the others are written by the portal as things happen.
MANUAL_ENTRY_KINDS = (EntryKind.NOTE, EntryKind.ROLLBACK, EntryKind.COMMUNICATION)
MANUAL_ENTRY_CHOICES = [(kind.value, kind.label) for kind in MANUAL_ENTRY_KINDS]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ArtifactKind(models.TextChoices):
    """Guide 003's "artifacts to collect"."""

    LOGS = "logs", "Logs"
    METRICS_SNAPSHOT = "metrics_snapshot", "Metrics snapshot"
    DIFF = "diff", "Model config diff"
    OTHER = "other", "Other"


class NotificationKind(models.TextChoices):
    """Action-item reminders, each at most once per item, person and day (the outbox's period key)."""

    DUE_SOON = "incident_action_due_soon", "Action item due soon"
    OVERDUE = "incident_action_overdue", "Action item overdue"
    ESCALATION = "incident_action_escalation", "Action item overdue: escalation to the Product Owner"
