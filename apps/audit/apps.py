from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.contrib.auth.models import Group

        from . import security
        from .models import SecurityEvent
        from .registry import audit_model

        audit_model(SecurityEvent)
        # Group permission changes made in the admin are security events of their own.
        audit_model(Group, m2m_fields={"permissions"})
        security.connect()
