from django.apps import AppConfig


class SignoffsConfig(AppConfig):
    name = "apps.signoffs"
    label = "signoffs"
    verbose_name = "Sign-offs"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import register_queue
        from apps.dossier.registry import register_dossier_section
        from apps.notifications.registry import register_category
        from apps.projects.governance import register_governance_records

        from .dashboard import signoffs_requested, signoffs_waiting
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
        register_queue(
            "signoffs-waiting",
            signoffs_waiting,
            label="Sign-offs waiting for you",
            order=10,
            empty="No sign-off waits for you. Requests for your decision appear here, overdue first.",
            more="signoffs:inbox",
        )
        register_queue(
            "signoffs-requested",
            signoffs_requested,
            label="Your requests still open",
            order=20,
            empty="None of your sign-off requests is open. Submit a gate, model card or acceptance to start one.",
            more="signoffs:inbox",
        )
        register_dossier_section(
            "signoffs",
            "Other sign-offs",
            45,
            collect=signoffs_section,
            template="signoffs/dossier/section.html",
            summary=signoffs_summary,
        )
