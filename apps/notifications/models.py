"""The notification outbox and each person's delivery preferences.

Every message to a person is one `Notification` row, written by `services.notify()`
inside the caller's transaction and e-mailed later by a Celery task (never in a web
request). The unique key (kind, recipient, target, period_key) makes a reminder that
two beats or a retried worker ask for twice a single row, so it is sent once.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .choices import DEFAULT_DELIVERY, DIGEST_KIND, Delivery, State
from .registry import category_label


def target_key_for(target: models.Model | None) -> str:
    """The target's part of the unique key: never NULL, so rows without a target deduplicate too
    (a unique constraint treats NULLs as distinct)."""
    if target is None:
        return ""
    return f"{ContentType.objects.get_for_model(target).pk}:{target.pk}"


class NotificationQuerySet(models.QuerySet):
    def for_centre(self, user):
        """What `user` sees in the notification centre: their own messages, not the digest e-mails."""
        return self.filter(recipient=user).exclude(kind=DIGEST_KIND)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def due(self, *, now=None):
        """Pending e-mails whose next attempt has come."""
        return self.filter(state=State.PENDING, delivery=Delivery.EMAIL, next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    """One message to one person about one thing: shown in the centre, e-mailed as they chose.

    `delivery` is the recipient's preference for the category when the row was written.
    `digest` points at the daily-digest row that carried a digest-delivery message.
    """

    category = models.CharField(max_length=40)
    kind = models.CharField(max_length=60, help_text="What happened, e.g. signoff_requested.")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_key = models.CharField(max_length=64, blank=True, editable=False)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    period_key = models.CharField(max_length=40, blank=True, help_text="The period a reminder is for, e.g. a day.")
    subject = models.CharField(max_length=250)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path in the portal (made absolute in e-mails).")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=DEFAULT_DELIVERY)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="digest_of", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "target_key", "period_key"], name="notification_once_per_period"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="notification_state_valid"),
            models.CheckConstraint(condition=Q(delivery__in=Delivery.values), name="notification_delivery_valid"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state=State.PENDING, delivery=Delivery.EMAIL),
                name="notification_due",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_centre"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one person wants one category delivered; no row means e-mail at once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=DEFAULT_DELIVERY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_preference_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {category_label(self.category)} by {self.get_delivery_display().lower()}"
