from django.apps import AppConfig


class GatesConfig(AppConfig):
    name = "apps.gates"
    label = "gates"
    verbose_name = "Stage gates"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import register_panel
        from apps.dossier.registry import register_dossier_section
        from apps.projects.changes import register_records_listener
        from apps.projects.choices import Role
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .dashboard import lifecycle_board, sponsor_decisions
        from .dossier import gates_section, gates_summary
        from .models import Gate, GateEvent
        from .services import GateAdapter, gates_check_current

        audit_model(Gate)
        audit_model(GateEvent)
        targets.register(GateAdapter())
        # An approval never outlives a change to what was signed: checked in the changing write's transaction.
        register_records_listener("gates", gates_check_current)
        register_governance_records(
            "gate-events", "gate events", lambda project: GateEvent.objects.filter(project=project).count()
        )
        register_panel(
            "lifecycle-board",
            lifecycle_board,
            title="Lifecycle board",
            roles=[Role.PRODUCT_MANAGER],
            template="gates/dashboard/board_panel.html",
            order=10,
            wide=True,
        )
        register_panel(
            "sponsor-decisions",
            sponsor_decisions,
            title="Gate decisions on your projects",
            roles=[Role.EXECUTIVE_SPONSOR],
            template="gates/dashboard/decisions_panel.html",
            order=20,
        )
        register_dossier_section(
            "gates",
            "Stage gates and sign-offs",
            40,
            collect=gates_section,
            template="gates/dossier/section.html",
            summary=gates_summary,
        )
