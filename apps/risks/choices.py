"""Vocabularies of the risk register (lifecycle guide, sections 5.14 and 5.17)."""

from django.db import models

from apps.core.cadence import Cadence


class Category(models.TextChoices):
    """The guide's five categories (5.14), then the ones ML governance adds."""

    DATA_AVAILABILITY = "data_availability", "Data availability"
    REGULATORY_CHANGE = "regulatory_change", "Regulatory change"
    CONCEPT_DRIFT = "concept_drift", "Concept drift"
    DEPENDENCY_FRAGILITY = "dependency_fragility", "Dependency fragility"
    TALENT_GAPS = "talent_gaps", "Talent gaps"
    PRIVACY = "privacy", "Privacy"
    FAIRNESS_BIAS = "fairness_bias", "Fairness / bias"
    SECURITY = "security", "Security"
    COST_OVERRUN = "cost_overrun", "Cost overrun"
    LLM_SAFETY = "llm_safety", "LLM safety / hallucination"


class Impact(models.IntegerChoices):
    """How bad it is if the risk happens (5-point scale)."""

    NEGLIGIBLE = 1, "1 · Negligible"
    MINOR = 2, "2 · Minor"
    MODERATE = 3, "3 · Moderate"
    MAJOR = 4, "4 · Major"
    SEVERE = 5, "5 · Severe"


class Likelihood(models.IntegerChoices):
    """How likely the risk is to happen (5-point scale)."""

    RARE = 1, "1 · Rare"
    UNLIKELY = 2, "2 · Unlikely"
    POSSIBLE = 3, "3 · Possible"
    LIKELY = 4, "4 · Likely"
    ALMOST_CERTAIN = 5, "5 · Almost certain"


class Band(models.TextChoices):
    """The guide's three-word rating, for levels and for scores (see scoring.py)."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    ACCEPTED = "accepted", "Accepted"
    CLOSED = "closed", "Closed"


# Closed risks are history: they neither age nor escalate.
LIVE_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING, RiskStatus.ACCEPTED)


class ReviewFrequency(models.TextChoices):
    """The governance cadences of the guide (5.17) that fit a standing review: a subset of the portal's
    one cadence vocabulary (apps.core.cadence), whose calendar arithmetic gives the next review date."""

    WEEKLY = Cadence.WEEKLY.value, Cadence.WEEKLY.label
    MONTHLY = Cadence.MONTHLY.value, Cadence.MONTHLY.label
    QUARTERLY = Cadence.QUARTERLY.value, Cadence.QUARTERLY.label


class NotificationKind(models.TextChoices):
    """What a risk notification is about. An expired acceptance is one notice per risk (once per risk,
    recipient and end date); overdue reviews are one summary per person per aging sweep (decision 0023)."""

    AGING_SUMMARY = "aging_summary", "Overdue reviews: your summary of the aging sweep"
    ACCEPTANCE_EXPIRED = "acceptance_expired", "Acceptance expired"


class AgingStep(models.IntegerChoices):
    """The two steps of an aging episode (a missed review date), each announced once."""

    OWNER = 1, "Owner reminded"
    ESCALATION = 2, "Escalated to the project's Product Owners and Security / Compliance Officers"


class ImportState(models.TextChoices):
    """Where a register import stands: checked in the background, then confirmed or cancelled by a person."""

    VALIDATING = "validating", "Checking the file"
    READY = "ready", "Ready to confirm"
    FAILED = "failed", "Cannot be imported"
    IMPORTING = "importing", "Creating the risks"
    CONFIRMED = "confirmed", "Imported"
    CANCELLED = "cancelled", "Cancelled"
