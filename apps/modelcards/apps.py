from django.apps import AppConfig


class ModelCardsConfig(AppConfig):
    name = "apps.modelcards"
    label = "modelcards"
    verbose_name = "Model cards"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dossier.registry import register_dossier_section
        from apps.gates.criteria import register_criterion
        from apps.notifications.registry import register_category
        from apps.projects.choices import Stage
        from apps.projects.demo import register_demo_seed
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .demo import demo_modelcards_seed
        from .dossier import modelcards_section, modelcards_summary
        from .gate_criteria import model_card_approved
        from .models import CardEvent, CardRevision, MLModel
        from .services import CardRevisionAdapter

        # The revision counter changes with every revision; each revision's own entry records its number.
        audit_model(MLModel, exclude=("last_number",))
        audit_model(CardRevision)
        audit_model(CardEvent)
        targets.register(CardRevisionAdapter())
        register_criterion(Stage.DEPLOYMENT, model_card_approved, slot="model-card")
        register_category(
            "model_cards",
            "Model cards",
            "A model card of your project submitted for sign-off, approved or rejected.",
        )
        register_demo_seed("model_cards", demo_modelcards_seed, order=50)
        # Card revisions and their approvals are evidence: a project holding them is retired, never deleted.
        register_governance_records("model-card-revisions", "model card revisions", _revisions_of)
        register_dossier_section(
            "modelcards",
            "Model cards",
            70,
            collect=modelcards_section,
            template="modelcards/dossier/section.html",
            summary=modelcards_summary,
        )


def _revisions_of(project) -> int:
    from .models import CardRevision

    return CardRevision.objects.filter(project=project).count()
