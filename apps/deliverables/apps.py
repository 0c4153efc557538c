from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "apps.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import register_panel, register_queue
        from apps.dossier.registry import register_dossier_section
        from apps.projects.choices import Role
        from apps.projects.defaults import register_project_default
        from apps.projects.demo import register_demo_seed

        from .dashboard import deliverables_due, deliverables_panel
        from .demo import deliverables_demo_seed
        from .dossier import deliverables_section, deliverables_summary
        from .models import Deliverable, ProjectDeliverable
        from .services import project_deliverables_setup

        audit_model(Deliverable)
        audit_model(ProjectDeliverable)
        # A new project starts with every registry deliverable, owned by the members holding its role.
        register_project_default("deliverables", project_deliverables_setup, order=20)
        register_demo_seed("deliverables", deliverables_demo_seed, order=20)
        register_queue(
            "deliverables",
            deliverables_due,
            label="Deliverables you own that are due",
            order=40,
            empty="None of your deliverables is due this week. Due dates come from each deliverable's cadence.",
            more="deliverables:registry",
        )
        register_panel(
            "deliverables-due",
            deliverables_panel,
            title="Deliverables due or stale",
            roles=[Role.PRODUCT_MANAGER],
            template="deliverables/dashboard/due_panel.html",
            order=20,
            wide=True,
        )
        register_dossier_section(
            "deliverables",
            "Deliverables registry",
            100,
            collect=deliverables_section,
            template="deliverables/dossier/section.html",
            summary=deliverables_summary,
        )
