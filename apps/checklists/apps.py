from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "apps.checklists"
    label = "checklists"
    verbose_name = "Checklists"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import register_queue
        from apps.dossier.registry import register_dossier_section
        from apps.projects.defaults import register_project_default
        from apps.projects.demo import register_demo_seed

        from . import models
        from .dashboard import checklist_items_due
        from .demo import checklists_demo_seed
        from .dossier import checklists_section, checklists_summary
        from .services import checklists_apply_defaults

        audit_model(models.ChecklistTemplate)
        audit_model(models.TemplateVersion, exclude=("document",))
        audit_model(models.TemplateSection)
        audit_model(models.TemplateItem)
        audit_model(models.ProjectChecklist)
        audit_model(models.ItemResponse)
        audit_model(models.Evidence)
        audit_model(models.ItemComment)
        audit_model(models.ItemReview)
        # A new project starts with its use case's default checklists.
        register_project_default("checklists", checklists_apply_defaults, order=10)
        register_demo_seed("checklists", checklists_demo_seed, order=10)
        register_queue(
            "checklist-items",
            checklist_items_due,
            label="Checklist items you own",
            order=30,
            empty="No unfinished checklist item of the current stage is yours. Items you own appear here "
            "once their project reaches their stage.",
        )
        register_dossier_section(
            "checklists",
            "Checklists and red flags",
            50,
            collect=checklists_section,
            template="checklists/dossier/section.html",
            summary=checklists_summary,
        )
