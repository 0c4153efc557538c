from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.contrib.auth.models import Group

        from apps.dashboard.registry import AUDITOR, register_panel
        from apps.projects.choices import Role

        from . import security
        from .dashboard import audit_chain_panel
        from .models import SecurityEvent
        from .registry import audit_model

        audit_model(SecurityEvent)
        # Group permission changes made in the admin are security events of their own.
        audit_model(Group, m2m_fields={"permissions"})
        security.connect()
        register_panel(
            "audit-chain",
            audit_chain_panel,
            title="Audit chain",
            roles=[Role.COMPLIANCE_OFFICER, AUDITOR],
            template="audit/dashboard/chain_panel.html",
            order=40,
        )
