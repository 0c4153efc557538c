from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "apps.gates"
    label = "gates"
    verbose_name = "Stage gates"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .models import Gate, GateEvent
        from .services import GateAdapter

        audit_model(Gate)
        audit_model(GateEvent)
        targets.register(GateAdapter())
        register_governance_records(
            "gate-events", "gate events", lambda project: GateEvent.objects.filter(project=project).count()
        )
