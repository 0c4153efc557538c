from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "apps.checklists"
    label = "checklists"
    verbose_name = "Checklists"

    def ready(self):
        from apps.audit.registry import audit_model

        from . import models

        audit_model(models.ChecklistTemplate)
        audit_model(models.TemplateVersion, exclude=("document",))
        audit_model(models.TemplateSection)
        audit_model(models.TemplateItem)
        audit_model(models.ProjectChecklist)
        audit_model(models.ItemResponse)
        audit_model(models.Evidence)
        audit_model(models.ItemComment)
        audit_model(models.ItemReview)
