from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "apps.gates"
    label = "gates"
    verbose_name = "Stage gates"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.projects.choices import Stage
        from apps.risks.gate_criteria import no_unaccepted_high_residual_risk
        from apps.signoffs import targets

        from .criteria import register_criterion
        from .models import Gate, GateEvent
        from .services import GateAdapter

        audit_model(Gate)
        audit_model(GateEvent)
        targets.register(GateAdapter())
        register_criterion(Stage.DEPLOYMENT, no_unaccepted_high_residual_risk)
