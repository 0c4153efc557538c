"""Demo data of the governance cadence (registered with `manage.py seed_demo`, order 70).

The Customer Churn Predictor gets a review history: its weekly and monthly series
started weeks ago, most past meetings were recorded (attendees, decisions, actions, a
risk reviewed, the chair's attestation), one weekly meeting was missed, and the rules
give the upcoming ones. The other projects keep their default series.
"""

import datetime

from django.utils import timezone

from apps.projects.models import Project
from apps.risks.choices import LIVE_STATUSES
from apps.risks.models import Risk
from apps.signoffs import services as signoff_services

from . import rules, selectors, services
from .choices import ReviewKind
from .models import ReviewOccurrence, ReviewSeries

HISTORY_PROJECT = "customer-churn-predictor"
WEEKLY_DECISIONS = [
    "Keep the gradient-boosted candidate; drop the logistic baseline from the comparison.",
    "Add tenure-bucket AUC to the evaluation report before the Evaluation gate.",
    "Freeze the feature list for the November retrain.",
    "Escalate the CRM export delay to the data platform team.",
]


def _backdate(series: ReviewSeries, starts_on: datetime.date) -> ReviewSeries:
    """Demo only: move a fresh default series' start into the past, so it has a history."""
    series.starts_on = starts_on
    series.rule = rules.default_rule(series.kind, starts_on)
    series.full_clean()
    series.save()
    return series


def seed_cadence_demo(*, people: dict, projects: dict[str, Project]) -> str:
    recorded = 0
    for project in projects.values():
        services.series_defaults_apply(actor=project.created_by, project=project)
    project = projects.get(HISTORY_PROJECT)
    if project is None or ReviewOccurrence.objects.filter(project=project, held_on__isnull=False).exists():
        return "Governance reviews: default series on every project (history already there)."
    today = timezone.localdate()
    owner, pm, scientist, engineer = people["priya.owner"], people["lena.pm"], people["sam.ds"], people["diego.de"]
    mlops, compliance = people["kai.mlops"], people["rita.compliance"]
    weekly = ReviewSeries.objects.get(project=project, kind=ReviewKind.WEEKLY)
    monthly = ReviewSeries.objects.get(project=project, kind=ReviewKind.MONTHLY)
    last_monday = today - datetime.timedelta(days=today.weekday() or 7)
    _backdate(weekly, last_monday - datetime.timedelta(weeks=5))
    _backdate(monthly, today - datetime.timedelta(days=75))
    weekly_dates = weekly.dates_between(weekly.starts_on, today - datetime.timedelta(days=1))
    missed = weekly_dates[-3]  # three meetings ago nobody recorded the meeting
    for n, day in enumerate(day for day in weekly_dates if day != missed):
        risks = list(Risk.objects.filter(project=project, status__in=LIVE_STATUSES).order_by("number")[:1])
        occurrence = services.occurrence_record(
            actor=pm,
            series=weekly,
            scheduled_on=day,
            held_on=day,
            chair=owner,
            attendees=[pm, scientist, engineer, mlops],
            minutes="Experiment review and risk updates.",
            decisions=[WEEKLY_DECISIONS[n % len(WEEKLY_DECISIONS)]],
            actions=[
                {
                    "title": "Share the updated experiment log",
                    "owner": scientist,
                    "due_on": day + datetime.timedelta(days=10),
                }
            ],
            reviewed_risks=risks if day == weekly_dates[-1] else [],
            agenda=selectors.agenda_prepare(series=weekly, day=day),
        )
        recorded += 1
        attestation = services.attestation_current(occurrence)
        if attestation is not None and day != weekly_dates[-1]:
            signoff_services.signoff_decide(actor=owner, signoff=attestation, approve=True, note="Accurate record.")
    for day in monthly.dates_between(monthly.starts_on, today - datetime.timedelta(days=1)):
        services.occurrence_record(
            actor=owner,
            series=monthly,
            scheduled_on=day,
            held_on=day,
            chair=pm,
            attendees=[owner, pm, scientist, mlops, compliance],
            minutes="Performance stable; PSI on tenure within bounds.",
            decisions=["No retrain this month; re-check drift on the December data."],
            agenda=selectors.agenda_prepare(series=monthly, day=day),
        )
        recorded += 1
    services.occurrences_materialize(today=today)
    return (
        f"Governance reviews: {recorded} past meetings recorded on {project.name}, one missed, upcoming ones scheduled."
    )
