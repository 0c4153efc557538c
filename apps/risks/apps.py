from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "apps.risks"
    label = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.notifications.registry import register_category
        from apps.signoffs import targets

        from .models import Risk, RiskAcceptance, RiskAcceptanceProposal, RiskRegister, RiskReview
        from .services import RiskAcceptanceSignoff

        # The code counter changes with every new risk; the risk's own entry records its code.
        audit_model(RiskRegister, exclude=("last_number",))
        # Scores are generated columns: the audit entry records impact and likelihood instead.
        audit_model(Risk, exclude=("inherent_score", "residual_score"))
        audit_model(RiskReview)
        audit_model(RiskAcceptance)
        audit_model(RiskAcceptanceProposal)
        # Acceptances above the project's threshold are signed off through the engine.
        targets.register(RiskAcceptanceSignoff())
        register_category(
            "risks", "Risk register", "Reminders about risks due for review, escalations, and expired acceptances."
        )
