from django.apps import AppConfig


class SignoffsConfig(AppConfig):
    name = "apps.signoffs"
    label = "signoffs"
    verbose_name = "Sign-offs"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dossier.registry import register_dossier_section
        from apps.notifications.registry import register_category
        from apps.projects.governance import register_governance_records

        from .dossier import signoffs_section, signoffs_summary
        from .models import Approver, SignoffEvent, SignoffRequest

        audit_model(SignoffRequest)
        audit_model(Approver)
        audit_model(SignoffEvent)
        register_category(
            "signoffs", "Sign-offs", "Requests for your sign-off, their outcome, and reminders when one is overdue."
        )
        register_governance_records(
            "signoffs", "sign-off requests", lambda project: SignoffRequest.objects.filter(project=project).count()
        )
        register_dossier_section(
            "signoffs",
            "Other sign-offs",
            45,
            collect=signoffs_section,
            template="signoffs/dossier/section.html",
            summary=signoffs_summary,
        )
