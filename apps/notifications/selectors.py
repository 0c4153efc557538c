"""Reads of the notification centre: always one person's own notifications."""

from django.db.models import QuerySet

from .choices import Delivery
from .models import Notification, NotificationPreference, target_key_for
from .registry import categories


def notification_list(*, user) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, with what the list shows."""
    return Notification.objects.for_centre(user).select_related("project").order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.for_centre(user).unread().count()


def notification_preferences(*, user) -> list[dict]:
    """One entry per registered category: its key, label, description and `user`'s delivery."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("category", "delivery"))
    return [
        {
            "category": category.key,
            "label": category.label,
            "description": category.description,
            "delivery": chosen.get(category.key, Delivery.EMAIL),
        }
        for category in categories()
    ]


def notifications_about(*, target) -> QuerySet[Notification]:
    """The messages sent about `target` (e.g. a risk's reminders), for the people who may see the target."""
    return Notification.objects.filter(target_key=target_key_for(target)).select_related("recipient")
