from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self):
        from django.db.models.signals import post_migrate

        from apps.audit.registry import audit_model
        from apps.dashboard.registry import register_panel

        from .choices import Role
        from .dashboard import business_case, projects_by_stage
        from .models import Membership, Project
        from .services import portal_groups_ensure

        audit_model(Project)
        audit_model(Membership)
        # Permissions exist only after migrate has run, so the groups are set up then.
        post_migrate.connect(lambda **kwargs: portal_groups_ensure(), sender=self, weak=False)
        register_panel(
            "projects-by-stage",
            projects_by_stage,
            title="Your projects by stage",
            roles=[Role.EXECUTIVE_SPONSOR],
            template="projects/dashboard/stages_panel.html",
            order=10,
        )
        register_panel(
            "business-case",
            business_case,
            title="Business case",
            roles=[Role.EXECUTIVE_SPONSOR],
            template="projects/dashboard/business_case_panel.html",
            order=40,
            wide=True,
        )
