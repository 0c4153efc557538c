"""Vocabularies of the deliverables registry (docs/checklist-templates.md, 'Deliverables registry format')."""

from django.db import models


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Every six months"
    ANNUAL = "annual", "Yearly"
    PER_RELEASE = "per_release", "Each release"
    EACH_DEPLOYMENT = "each_deployment", "Each deployment"
    ON_INTERFACE_CHANGE = "on_interface_change", "On interface change"
    ON_CHANGE = "on_change", "On change"
    PER_INCIDENT = "per_incident", "Each incident"
    ONE_OFF = "one_off", "One-off"
    CONTINUOUS = "continuous", "Continuous"
    PER_ITERATION = "per_iteration", "Each iteration"


# Calendar cadences give due dates: (days, months) after the last update.
CALENDAR_INTERVALS: dict[str, tuple[int, int]] = {
    Cadence.WEEKLY: (7, 0),
    Cadence.BIWEEKLY: (14, 0),
    Cadence.MONTHLY: (0, 1),
    Cadence.QUARTERLY: (0, 3),
    Cadence.SEMIANNUAL: (0, 6),
    Cadence.ANNUAL: (0, 12),
}


class DeliverableStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
