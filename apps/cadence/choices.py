"""Vocabularies of the governance cadence (lifecycle guide 5.17)."""

from django.db import models

from apps.core.cadence import Cadence
from apps.projects.choices import Role


class ReviewKind(models.TextChoices):
    """The guide's four rhythms: weekly, monthly, quarterly and ad hoc."""

    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    AD_HOC = "ad_hoc", "Ad hoc"


# The platform cadence behind each recurring kind (ad hoc reviews have none).
KIND_CADENCE = {
    ReviewKind.WEEKLY: Cadence.WEEKLY,
    ReviewKind.MONTHLY: Cadence.MONTHLY,
    ReviewKind.QUARTERLY: Cadence.QUARTERLY,
}


class OccurrenceStatus(models.TextChoices):
    """Derived from the dates and the record (ReviewOccurrence.status), never stored."""

    UPCOMING = "upcoming", "Upcoming"
    DUE = "due", "Due today"
    OVERDUE = "overdue", "Overdue: not recorded"
    MISSED = "missed", "Missed"
    HELD = "held", "Held"


# Occurrences unrecorded for longer than this are missed; until then they are overdue and escalate.
OVERDUE_GRACE_DAYS = {ReviewKind.WEEKLY: 2, ReviewKind.MONTHLY: 5, ReviewKind.QUARTERLY: 10, ReviewKind.AD_HOC: 5}

# Reminder lead time in days before an occurrence, per kind (each series may set its own).
DEFAULT_LEAD_DAYS = {ReviewKind.WEEKLY: 1, ReviewKind.MONTHLY: 3, ReviewKind.QUARTERLY: 7, ReviewKind.AD_HOC: 2}

# The guide's default series (5.17), applied to every new project.
DEFAULT_SERIES = (
    {
        "kind": ReviewKind.WEEKLY,
        "title": "Weekly experiment review and risk updates",
        "purpose": "Experiment review; risks due for review or changed since the last review (guide 5.17, 5.14).",
        "chair_role": Role.PRODUCT_OWNER,
        "attendee_roles": [Role.PRODUCT_MANAGER, Role.DATA_SCIENTIST, Role.DATA_ENGINEER, Role.MLOPS_ENGINEER],
    },
    {
        "kind": ReviewKind.MONTHLY,
        "title": "Monthly model performance and drift audit",
        "purpose": "Model performance and drift; stale deliverables, model cards and open incidents (guide 5.17).",
        "chair_role": Role.PRODUCT_MANAGER,
        "attendee_roles": [Role.PRODUCT_OWNER, Role.DATA_SCIENTIST, Role.MLOPS_ENGINEER, Role.QA_ENGINEER],
    },
    {
        "kind": ReviewKind.QUARTERLY,
        "title": "Quarterly fairness and compliance deep-dive",
        "purpose": "Fairness and compliance deep-dive, roadmap adjustments; expiring risk acceptances and "
        "regulatory change (guide 5.17, 5.14).",
        "chair_role": Role.COMPLIANCE_OFFICER,
        "attendee_roles": [Role.PRODUCT_OWNER, Role.PRODUCT_MANAGER, Role.ETHICS_REVIEWER, Role.EXECUTIVE_SPONSOR],
    },
)

# Who hears when a review is overdue (the Accountable role until a RACI matrix says otherwise).
ESCALATION_ROLES = (Role.PRODUCT_OWNER,)
