from django.db import models


class Policy(models.TextChoices):
    """How many of the named approvers must approve."""

    ALL = "all", "Every named approver"
    ANY = "any", "Any one named approver"
    N_OF_M = "n_of_m", "N of the named approvers"


class RequestState(models.TextChoices):
    """Derived from the request's events (see services.derive_state)."""

    OPEN = "open", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    INVALIDATED = "invalidated", "Invalidated"


CLOSED_STATES = {RequestState.APPROVED, RequestState.REJECTED, RequestState.WITHDRAWN, RequestState.INVALIDATED}


class EventKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    INVALIDATED = "invalidated", "Invalidated"
