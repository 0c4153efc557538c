from django.db import models


class Delivery(models.TextChoices):
    """How a person wants a category's notifications: every one is also in the notification centre."""

    EMAIL = "email", "E-mail at once"
    DIGEST = "digest", "Daily digest"
    IN_APP = "in_app", "In-app only"


class State(models.TextChoices):
    """Where a notification's e-mail is. In-app-only notifications are never e-mailed."""

    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    IN_APP = "in_app", "In-app only"


DEFAULT_DELIVERY = Delivery.EMAIL
DIGEST_CATEGORY = "digest"
DIGEST_KIND = "daily_digest"
