from django.apps import AppConfig


class SignoffsConfig(AppConfig):
    name = "apps.signoffs"
    label = "signoffs"
    verbose_name = "Sign-offs"

    def ready(self):
        from apps.audit.registry import audit_model

        from .models import Approver, SignoffEvent, SignoffRequest

        audit_model(SignoffRequest)
        audit_model(Approver)
        audit_model(SignoffEvent)
