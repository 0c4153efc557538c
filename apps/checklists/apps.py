from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "apps.checklists"
    label = "checklists"
    verbose_name = "Checklists"

    def ready(self):
        from django.db.models.signals import post_save

        from apps.audit.registry import audit_model
        from apps.projects.models import Project

        from . import models
        from .services import project_created_apply_defaults

        audit_model(models.ChecklistTemplate)
        audit_model(models.TemplateVersion, exclude=("document",))
        audit_model(models.TemplateSection)
        audit_model(models.TemplateItem)
        audit_model(models.ProjectChecklist)
        audit_model(models.ItemResponse)
        audit_model(models.Evidence)
        audit_model(models.ItemComment)
        audit_model(models.ItemReview)
        post_save.connect(
            project_created_apply_defaults, sender=Project, dispatch_uid="checklists-project-defaults", weak=False
        )
