from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "apps.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import AUDITOR, register_panel, register_queue
        from apps.dossier.registry import register_dossier_section
        from apps.notifications.registry import register_category
        from apps.projects.choices import Role
        from apps.projects.demo import register_demo_seed
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .dashboard import action_items_due, incidents_panel
        from .demo import demo_incidents_seed
        from .dossier import incidents_section, incidents_summary
        from .models import (
            ActionItem,
            Incident,
            IncidentArtifact,
            IncidentCounter,
            IncidentRiskLink,
            PostIncidentReview,
            TimelineEntry,
        )
        from .services import IncidentReviewSignoff

        # The counter changes with every new incident (the incident's own entry records its code);
        # the token hash is a secret and never goes into the audit trail.
        audit_model(IncidentCounter, exclude=("last_number", "webhook_token_hash"))
        # The alert's receive time changes with every repeated notification; the timeline records what matters.
        audit_model(Incident, exclude=("alert_last_received_at",))
        audit_model(IncidentRiskLink)
        audit_model(IncidentArtifact)
        audit_model(TimelineEntry)
        audit_model(PostIncidentReview)
        audit_model(ActionItem)
        targets.register(IncidentReviewSignoff())
        register_category(
            "incidents",
            "Incidents",
            "Action items from post-incident reviews: due soon, overdue, and escalations to the Product Owner.",
        )
        register_demo_seed("incidents", demo_incidents_seed, order=60)
        # An incident's timeline and review are the record of what happened: its project is retired, not deleted.
        register_governance_records("incidents", "incidents", _incidents_of)
        register_queue(
            "incident-actions",
            action_items_due,
            label="Incident action items you own",
            order=60,
            empty="No incident action item of yours is due this week.",
        )
        register_panel(
            "open-incidents",
            incidents_panel,
            title="Open incidents and overdue post-incident reviews",
            roles=[Role.COMPLIANCE_OFFICER, AUDITOR],
            template="incidents/dashboard/incidents_panel.html",
            order=20,
        )
        register_dossier_section(
            "incidents",
            "Incidents and post-incident reviews",
            80,
            collect=incidents_section,
            template="incidents/dossier/section.html",
            summary=incidents_summary,
        )


def _incidents_of(project) -> int:
    from .models import Incident

    return Incident.objects.filter(project=project).count()
