"""Demo incidents for `manage.py seed_demo`, made through the app's own services (and the sign-off engine).

On the churn predictor: a P2 drift incident, resolved three days ago, whose review
the Product Owner and the Security / Compliance Officer signed; one of its action
items is overdue. On the support assistant: a live P3 jailbreak attempt.
"""

import datetime

from auditlog.context import set_actor
from django.utils import timezone

from apps.risks.models import Risk
from apps.signoffs import services as signoff_services

from . import services
from .choices import ArtifactKind, Category, Severity, Status
from .models import Incident

DRIFT_TITLE = "Churn scores drift after the CRM tenure field changed units"
JAILBREAK_TITLE = "Prompt-injection attempts to reveal internal refund policy"


def _at(days_ago: int, hour: int, minute: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _drift_incident(*, people, project) -> None:
    kai, sam, priya, rita, diego = (
        people[n] for n in ("kai.mlops", "sam.ds", "priya.owner", "rita.compliance", "diego.de")
    )
    with set_actor(kai):
        incident = services.incident_create(
            actor=kai,
            project=project,
            detected_at=_at(3, 9, 12),
            title=DRIFT_TITLE,
            description=(
                "The CRM export started sending tenure in days instead of months. PSI of tenure_months jumped "
                "to 0.31 and the share of customers flagged high-risk doubled; save offers went to loyal customers."
            ),
            severity=Severity.P2,
            category=Category.MODEL_DEGRADATION,
            trigger_metric="PSI tenure_months",
            trigger_observed_value="0.31",
            trigger_threshold="0.25 (critical)",
            trigger_at=_at(3, 9, 10),
            affected_model_version="churn-gbm-v13",
            rollback_target_version="churn-gbm-v12",
            rollback_command_ref="mlflow models transition churn-gbm --version 12 --stage Production",
            rollback_validation="/health returns v12; PSI of tenure_months back under 0.1 on the next batch.",
            channel_slack="#inc-churn-predictor",
            channel_email="retention-ml@demo.example",
            commander=kai,
            data_scientist=sam,
            mlops_engineer=kai,
            product_owner=priya,
            compliance_officer=rita,
        )
        incident = services.incident_transition(actor=kai, incident=incident, to=Status.ACKNOWLEDGED, at=_at(3, 9, 16))
        services.timeline_add(
            actor=sam,
            incident=incident,
            text="Checked drift dashboard: only tenure_months moved; no model or config deployment since last week.",
            at=_at(3, 9, 24),
        )
        services.incident_rollback_record(
            actor=kai, incident=incident, at=_at(3, 9, 38), note="scoring batch re-run on v12"
        )
        incident = services.incident_transition(
            actor=kai,
            incident=incident,
            to=Status.MITIGATED,
            at=_at(3, 9, 41),
            note="v12 is tolerant of the unit change (tenure capped)",
        )
        services.timeline_add(
            actor=priya,
            incident=incident,
            kind="communication",
            text="Retention marketing told to pause save offers from this morning's batch.",
            at=_at(3, 9, 55),
        )
        services.artifact_add(
            actor=kai,
            incident=incident,
            kind=ArtifactKind.METRICS_SNAPSHOT,
            reference="grafana/d/churn-drift export 09:10-10:30",
        )
        services.artifact_add(
            actor=diego,
            incident=incident,
            kind=ArtifactKind.DIFF,
            reference="CRM export schema v41 -> v42 (tenure unit)",
        )
        crm_risk = Risk.objects.filter(project=project, title__startswith="CRM vendor").first()
        if crm_risk is not None:
            services.incident_risk_link(actor=kai, incident=incident, risk=crm_risk)
        incident = services.incident_transition(
            actor=kai,
            incident=incident,
            to=Status.RESOLVED,
            at=_at(3, 12, 20),
            note="CRM export fixed; v13 back in production after validation",
        )
        review = services.review_update(
            actor=sam,
            review=incident.review,
            root_cause_identified_at=_at(3, 9, 33),
            users_affected=4200,
            revenue_impact=18500,
            predictions_affected=61000,
            data_loss=False,
            root_cause=(
                "A CRM release changed the tenure field from months to days without notice. The feature pipeline "
                "had no unit or range check, so tenure_months arrived 30 times too large and the model read every "
                "customer as long-standing."
            ),
            went_well="PSI alert fired two minutes after the batch\nRollback to v12 worked as documented",
            went_poorly=(
                "Mitigation took 29 minutes: the rollback runbook was out of date\n"
                "Save offers from the bad batch had already been sent"
            ),
        )
        overdue = timezone.localdate() - datetime.timedelta(days=1)
        services.action_item_create(
            actor=kai,
            incident=incident,
            title="Range check on tenure_months in the feature pipeline",
            owner=diego,
            due_on=overdue,
        )
        services.action_item_create(
            actor=kai,
            incident=incident,
            title="Update the rollback runbook and drill it",
            owner=kai,
            due_on=timezone.localdate() + datetime.timedelta(days=10),
        )
        signoff = services.review_submit(actor=kai, review=review, note="Review written with Sam and Diego.")
    for approver in (priya, rita):
        with set_actor(approver):
            signoff_services.signoff_decide(actor=approver, signoff=signoff, approve=True, note="")
    with set_actor(priya):
        services.incident_close(actor=priya, incident=incident, note="Review signed; action items tracked.")


def _jailbreak_incident(*, people, project) -> None:
    kai = people["kai.mlops"]
    with set_actor(kai):
        incident = services.incident_create(
            actor=kai,
            project=project,
            detected_at=timezone.now() - datetime.timedelta(minutes=50),
            title=JAILBREAK_TITLE,
            severity=Severity.P3,
            category=Category.JAILBREAK_ATTEMPT,
            trigger_metric="safety_filter_blocks_per_hour",
            trigger_observed_value="37",
            trigger_threshold="10",
            affected_model_version="assistant-prompt-v8",
            commander=kai,
            compliance_officer=people["rita.compliance"],
        )
        services.incident_transition(
            actor=kai, incident=incident, to=Status.ACKNOWLEDGED, at=timezone.now() - datetime.timedelta(minutes=44)
        )


def demo_incidents_seed(*, people, projects) -> str:
    """Idempotent: each demo incident is made once."""
    made = 0
    for slug, title, make in (
        ("customer-churn-predictor", DRIFT_TITLE, _drift_incident),
        ("support-knowledge-assistant", JAILBREAK_TITLE, _jailbreak_incident),
    ):
        project = projects.get(slug)
        if project is None or Incident.objects.filter(project=project, title=title).exists():
            continue
        make(people=people, project=project)
        made += 1
    return f"Incidents: {made} demo incident{'s' if made != 1 else ''} created" if made else "Incidents: already seeded"
