from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "apps.risks"
    label = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import AUDITOR, register_panel, register_queue
        from apps.documents.registry import register_document_kind
        from apps.dossier.registry import register_dossier_section
        from apps.gates.criteria import register_criterion
        from apps.notifications.registry import register_category
        from apps.projects import roles
        from apps.projects.choices import Role, Stage
        from apps.projects.demo import register_demo_seed
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .dashboard import risk_posture, risks_due
        from .demo import demo_risks_seed
        from .dossier import risks_section, risks_summary
        from .exports import PDF_KIND, pdf_document_build
        from .gate_criteria import no_unaccepted_high_residual_risk
        from .models import Risk, RiskAcceptance, RiskAcceptanceProposal, RiskImport, RiskRegister, RiskReview
        from .services import RiskAcceptanceSignoff

        # The code counter changes with every new risk; the risk's own entry records its code.
        audit_model(RiskRegister, exclude=("last_number",))
        # Scores are generated columns: the audit entry records impact and likelihood instead.
        audit_model(Risk, exclude=("inherent_score", "residual_score"))
        audit_model(RiskReview)
        audit_model(RiskAcceptance)
        audit_model(RiskAcceptanceProposal)
        # One entry per step of an import (uploaded, checked, confirmed or cancelled, with the codes created);
        # the rows and progress counters are on the import's page, not copied into every entry.
        audit_model(RiskImport, exclude=("rows", "problems", "rows_checked", "file"))
        # Acceptances above the project's threshold are signed off through the engine.
        targets.register(RiskAcceptanceSignoff())
        register_category(
            "risks", "Risk register", "Reminders about risks due for review, escalations, and expired acceptances."
        )
        # Promotion to production waits for the register: no High residual risk left unaccepted.
        register_criterion(Stage.DEPLOYMENT, no_unaccepted_high_residual_risk)
        register_demo_seed("risks", demo_risks_seed, order=30)
        register_governance_records("risk-acceptances", "risk acceptances", _acceptances_of)
        register_queue(
            "risks",
            risks_due,
            label="Risks you own due for review",
            order=50,
            empty="None of your risks is due for review this week.",
            more="risks:portfolio",
        )
        register_panel(
            "risk-posture",
            risk_posture,
            title="Portfolio risk posture",
            roles=[Role.COMPLIANCE_OFFICER, AUDITOR],
            template="risks/dashboard/posture_panel.html",
            order=10,
            wide=True,
        )
        # A long register's PDF is built in the background (exports.pdf_in_background).
        register_document_kind(PDF_KIND, "Risk register (PDF)", pdf_document_build, permission=roles.VIEW)
        register_dossier_section(
            "risks",
            "Risk register and heat maps",
            60,
            collect=risks_section,
            template="risks/dossier/section.html",
            summary=risks_summary,
        )


def _acceptances_of(project) -> int:
    """Acceptances and acceptance proposals: both are decisions on the record."""
    from .models import RiskAcceptance, RiskAcceptanceProposal

    return (
        RiskAcceptance.objects.filter(risk__project=project).count()
        + RiskAcceptanceProposal.objects.filter(risk__project=project).count()
    )
