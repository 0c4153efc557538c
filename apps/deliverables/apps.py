from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "apps.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self):
        from django.db.models.signals import post_save

        from apps.audit.registry import audit_model
        from apps.projects.models import Project

        from .models import Deliverable, ProjectDeliverable
        from .services import project_created_setup_deliverables

        audit_model(Deliverable)
        audit_model(ProjectDeliverable)
        post_save.connect(
            project_created_setup_deliverables,
            sender=Project,
            dispatch_uid="deliverables-project-setup",
            weak=False,
        )
