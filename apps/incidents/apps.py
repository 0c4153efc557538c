from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "apps.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.notifications.registry import register_category
        from apps.signoffs import targets

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
