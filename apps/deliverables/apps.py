from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "apps.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dossier.registry import register_dossier_section
        from apps.projects.defaults import register_project_default
        from apps.projects.demo import register_demo_seed

        from .demo import deliverables_demo_seed
        from .dossier import deliverables_section, deliverables_summary
        from .models import Deliverable, ProjectDeliverable
        from .services import project_deliverables_setup

        audit_model(Deliverable)
        audit_model(ProjectDeliverable)
        # A new project starts with every registry deliverable, owned by the members holding its role.
        register_project_default("deliverables", project_deliverables_setup, order=20)
        register_demo_seed("deliverables", deliverables_demo_seed, order=20)
        register_dossier_section(
            "deliverables",
            "Deliverables registry",
            100,
            collect=deliverables_section,
            template="deliverables/dossier/section.html",
            summary=deliverables_summary,
        )
