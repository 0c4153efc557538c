from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "apps.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self):
        from apps.audit.registry import audit_model

        from .models import Deliverable, ProjectDeliverable

        audit_model(Deliverable)
        audit_model(ProjectDeliverable)
