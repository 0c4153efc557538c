from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "apps.cadence"
    label = "cadence"
    verbose_name = "Governance cadence"

    def ready(self):
        from apps.audit.registry import audit_model
        from apps.dashboard.registry import AUDITOR, register_panel, register_queue
        from apps.dossier.registry import register_dossier_section
        from apps.notifications.registry import register_category
        from apps.projects.choices import Role
        from apps.projects.defaults import register_project_default
        from apps.projects.demo import register_demo_seed
        from apps.projects.governance import register_governance_records
        from apps.signoffs import targets

        from .dashboard import overdue_reviews_panel, review_actions_due, reviews_this_week
        from .demo import seed_cadence_demo
        from .dossier import cadence_section, cadence_summary
        from .models import ActionItem, CalendarFeed, ReviewDecision, ReviewOccurrence, ReviewSeries
        from .services import ReviewAttestation, series_defaults_apply
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
        # Every new project gets the guide's weekly, monthly and quarterly reviews.
        register_project_default("cadence", series_defaults_apply, order=40)
        register_demo_seed("cadence", seed_cadence_demo, order=70)
        # Held meetings, their decisions and actions are governance evidence: such a project is retired.
        register_governance_records("review-records", "recorded review meetings", _recorded_meetings)
        register_category(
            "reviews",
            "Governance reviews",
            "Reminders before, on the day of and after review meetings; follow-up actions from reviews.",
        )
        register_queue(
            "review-actions",
            review_actions_due,
            label="Review follow-ups you own",
            order=70,
            empty="No follow-up action from a review is yours this week.",
        )
        register_queue(
            "reviews-this-week",
            reviews_this_week,
            label="Your reviews this week",
            order=80,
            empty="No governance review of yours this week. Your project's series are on the Reviews page.",
            more="cadence:calendar",
        )
        register_panel(
            "overdue-reviews",
            overdue_reviews_panel,
            title="Governance reviews not recorded",
            roles=[Role.COMPLIANCE_OFFICER, AUDITOR],
            template="cadence/dashboard/overdue_panel.html",
            order=30,
        )
        register_category(
            "deliverables", "Deliverables", "Deliverables due soon or stale; the weekly digest for Product Managers."
        )
        register_dossier_section(
            "cadence",
            "Governance reviews",
            90,
            collect=cadence_section,
            template="cadence/dossier/section.html",
            summary=cadence_summary,
        )


def _recorded_meetings(project) -> int:
    from .models import ReviewOccurrence

    return ReviewOccurrence.objects.filter(project=project, held_on__isnull=False).count()
