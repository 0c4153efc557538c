from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "apps.cadence"
    label = "cadence"
    verbose_name = "Governance cadence"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.notifications.registry import register_category
        from apps.signoffs import targets

        from .models import ActionItem, CalendarFeed, ReviewDecision, ReviewOccurrence, ReviewSeries
        from .services import ReviewAttestation
        from .sources import register_builtin_sources

        audit_model(ReviewSeries)
        audit_model(ReviewOccurrence, m2m_fields={"attendees", "reviewed_risks"})
        audit_model(ReviewDecision)
        audit_model(ActionItem)
        # The token hash is a secret's fingerprint; the fetch time changes on every subscription poll.
        audit_model(CalendarFeed, exclude=("token_hash", "last_fetched_at"))
        # The chair attests a review record through the sign-off engine.
        targets.register(ReviewAttestation())
        register_builtin_sources()
        register_category(
            "reviews",
            "Governance reviews",
            "Reminders before, on the day of and after review meetings; follow-up actions from reviews.",
        )
        register_category(
            "deliverables", "Deliverables", "Deliverables due soon or stale; the weekly digest for Product Managers."
        )
