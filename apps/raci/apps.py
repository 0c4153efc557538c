from django.apps import AppConfig


class RaciConfig(AppConfig):
    name = "apps.raci"
    label = "raci"
    verbose_name = "RACI matrices"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.deliverables.owners import register_owner_roles_provider
        from apps.dossier.registry import register_dossier_section
        from apps.gates.models import Gate
        from apps.notifications.registry import register_category
        from apps.projects.defaults import register_project_default
        from apps.projects.demo import register_demo_seed
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets
        from apps.signoffs.approvers import register_approver_provider
        from apps.signoffs.lifecycle import register_signoff_listener

        from . import drives
        from .approval import RaciMatrixAdapter, approved_matrix_count
        from .demo import demo_raci_seed
        from .dossier import raci_section
        from .models import RaciActivity, RaciAssignment, RaciMatrix
        from .services import apply_project_default

        audit_model(RaciMatrix)
        audit_model(RaciActivity)
        audit_model(RaciAssignment)
        targets.register(RaciMatrixAdapter())
        register_category(
            drives.NOTIFICATION_CATEGORY,
            "RACI matrix",
            "When a stage gate your role is Consulted on is submitted, or one you are Informed of is decided.",
        )
        # New projects start with the guide's default matrix; the demo projects get theirs.
        register_project_default("raci", apply_project_default, order=30)
        register_demo_seed("raci", demo_raci_seed, order=40)
        # What the matrix drives: who signs a gate, who hears of it, who owns a deliverable.
        register_approver_provider(Gate, drives.gate_approvers)
        register_signoff_listener(Gate, requested=drives.gate_signoff_requested, closed=drives.gate_signoff_closed)
        register_owner_roles_provider(drives.deliverable_owner_roles)
        # An approved matrix is evidence of governance: its project is retired, never deleted.
        register_governance_records("raci", "approved RACI matrices", approved_matrix_count)
        register_dossier_section(
            "raci",
            "RACI matrix",
            35,
            collect=raci_section,
            template="raci/dossier/section.html",
        )
