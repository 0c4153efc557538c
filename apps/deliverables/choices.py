"""Vocabularies of the deliverables registry (docs/checklist-templates.md, 'Deliverables registry format')."""

from django.db import models

from apps.core.cadence import Cadence


class EventCadence(models.TextChoices):
    """Cadences set by events rather than the calendar: they give no due date."""

    PER_RELEASE = "per_release", "Each release"
    EACH_DEPLOYMENT = "each_deployment", "Each deployment"
    ON_INTERFACE_CHANGE = "on_interface_change", "On interface change"
    ON_CHANGE = "on_change", "On change"
    PER_INCIDENT = "per_incident", "Each incident"
    ONE_OFF = "one_off", "One-off"
    CONTINUOUS = "continuous", "Continuous"
    PER_ITERATION = "per_iteration", "Each iteration"


# A deliverable's cadence: the portal's calendar cadences (apps.core.cadence, they give due dates)
# or an event.
CADENCE_CHOICES = [*Cadence.choices, *EventCadence.choices]
CADENCE_VALUES = [value for value, _ in CADENCE_CHOICES]


class DeliverableStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
