from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "apps.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self):
        from django.db.models.signals import post_migrate

        from apps.audit.registry import audit_model

        from .models import Membership, Project
        from .services import portal_groups_ensure

        audit_model(Project)
        audit_model(Membership)
        # Permissions exist only after migrate has run, so the groups are set up then.
        post_migrate.connect(lambda **kwargs: portal_groups_ensure(), sender=self, weak=False)
