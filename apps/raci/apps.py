from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "apps.raci"
    label = "raci"
    verbose_name = "RACI matrices"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.notifications.registry import register_category
        from apps.signoffs import targets

        from .approval import RaciMatrixAdapter
        from .models import RaciActivity, RaciAssignment, RaciMatrix

        audit_model(RaciMatrix)
        audit_model(RaciActivity)
        audit_model(RaciAssignment)
        targets.register(RaciMatrixAdapter())
        register_category(
            "raci",
            "RACI matrix",
            "When a stage gate your role is Consulted on is submitted, or one you are Informed of is decided.",
        )
