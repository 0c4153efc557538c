from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from apps.audit.registry import audit_model

        from .models import NotificationPreference

        # A person's choice is audited. The outbox rows are a delivery log, not governance records:
        # each carries its own state, attempts, error and times, and bulk inserts fire no audit signal.
        audit_model(NotificationPreference)
