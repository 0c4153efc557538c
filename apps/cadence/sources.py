"""The cadence's own agenda, calendar and reminder sources for the apps below it.

Risks, deliverables, checklists and sign-offs cannot import the cadence (they are lower),
so their dated records are plugged in here, from CadenceConfig.ready(). Apps above
(model cards, incidents) register theirs from their own ready() through registry.py.
Each calendar provider answers in one query whatever the number of projects.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse

from apps.checklists.choices import COMPLETE_STATUSES
from apps.checklists.models import ItemResponse
from apps.deliverables.models import ProjectDeliverable
from apps.projects.choices import ProjectStatus, Role
from apps.projects.models import Project
from apps.projects.selectors import members_by_project, role_holders_by_project
from apps.risks.choices import LIVE_STATUSES, Category, RiskStatus
from apps.risks.models import Risk
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest

from .choices import ESCALATION_ROLES, OccurrenceStatus, ReviewKind
from .models import ActionItem, ReviewSeries
from .registry import (
    AgendaItem,
    CalendarEntry,
    Reminder,
    register_agenda_source,
    register_calendar_source,
    register_reminder_planner,
)

ACCEPTANCE_HORIZON_DAYS = 120  # a quarterly review looks at acceptances ending before the next one and then some
DELIVERABLE_LEAD_DAYS = 7
ACTION_LEAD_DAYS = 2
PLAN_BATCH_SIZE = 500  # projects per batch of a reminder planner


def _date(day: datetime.date) -> str:
    return f"{day:%-d %b %Y}"


# --- Agenda -------------------------------------------------------------------------------


def agenda_risks_due(*, project, on, since):
    risks = Risk.objects.filter(project=project, status__in=LIVE_STATUSES, next_review_on__lte=on).select_related(
        "project", "owner"
    )
    return [
        AgendaItem(
            "risks-due",
            str(risk),
            f"Review due {_date(risk.next_review_on)} · owner {risk.owner or 'none'}",
            risk.get_absolute_url(),
            risk.pk,
        )
        for risk in risks
    ]


def agenda_risks_changed(*, project, on, since):
    risks = Risk.objects.filter(project=project, status__in=LIVE_STATUSES).select_related("project", "owner")
    if since is not None:
        risks = risks.filter(updated_at__date__gt=since)
    return [
        AgendaItem(
            "risks-changed",
            str(risk),
            f"Changed {_date(risk.updated_at.date())} · residual {risk.residual}",
            risk.get_absolute_url(),
            risk.pk,
        )
        for risk in risks
    ]


def agenda_deliverables_stale(*, project, on, since):
    deliverables = ProjectDeliverable.objects.filter(project=project, next_due_on__lt=on).select_related(
        "project", "deliverable", "owner"
    )
    return [
        AgendaItem(
            "deliverables-stale",
            str(pd.deliverable),
            f"Due {_date(pd.next_due_on)} · owner {pd.owner or 'none'}",
            pd.get_absolute_url(),
        )
        for pd in deliverables
    ]


def agenda_fairness_items(*, project, on, since):
    responses = (
        ItemResponse.objects.filter(project=project)
        .filter(Q(item__key__icontains="fairness") | Q(item__section__key__icontains="fairness"))
        .exclude(status__in=COMPLETE_STATUSES)
        .select_related("checklist__project", "item", "owner")
    )
    return [
        AgendaItem(
            "fairness-items",
            response.item.title[:200],
            f"{response.get_status_display()} · owner {response.owner or 'none'}",
            response.checklist.get_absolute_url(),
        )
        for response in responses
    ]


def agenda_acceptances_expiring(*, project, on, since):
    horizon = on + datetime.timedelta(days=ACCEPTANCE_HORIZON_DAYS)
    risks = Risk.objects.filter(project=project, status=RiskStatus.ACCEPTED, accepted_until__lte=horizon)
    return [
        AgendaItem(
            "acceptances-expiring",
            str(risk),
            f"Accepted until {_date(risk.accepted_until)}",
            risk.get_absolute_url(),
            risk.pk,
        )
        for risk in risks.select_related("project")
    ]


def agenda_regulatory_change(*, project, on, since):
    risks = Risk.objects.filter(
        project=project, status__in=LIVE_STATUSES, category=Category.REGULATORY_CHANGE
    ).select_related("project", "owner")
    return [
        AgendaItem(
            "regulatory-change",
            str(risk),
            f"Residual {risk.residual} · owner {risk.owner or 'none'}",
            risk.get_absolute_url(),
            risk.pk,
        )
        for risk in risks
    ]


# --- Calendar -----------------------------------------------------------------------------


def calendar_reviews(*, projects, first, last, limit=None):
    from .selectors import series_for_dates, series_occurrences

    series = list(series_for_dates(ReviewSeries.objects.filter(project__in=projects)))
    occurrences = series_occurrences(series_list=series, first=first, last=last, limit=limit)
    return [
        CalendarEntry(
            "reviews",
            f"review-{occurrence.series_id}-{occurrence.scheduled_on.isoformat()}",
            occurrence.scheduled_on,
            occurrence.series.title,
            occurrence.project_id,
            occurrence.get_absolute_url(),
            f"{occurrence.series.get_kind_display()} review of {occurrence.project}",
            occurrence.status,
        )
        for occurrence in occurrences
    ]


def calendar_signoffs(*, projects, first, last, limit=None):
    requests = SignoffRequest.objects.filter(
        project__in=projects, state=RequestState.OPEN, due_on__gte=first, due_on__lte=last
    ).select_related("project")
    requests = requests.order_by("due_on", "pk")[:limit]
    return [
        CalendarEntry(
            "signoffs",
            f"signoff-{request.pk}",
            request.due_on,
            f"Sign-off due: {request.title}",
            request.project_id,
            request.get_absolute_url(),
            f"Open sign-off request in {request.project}",
            "open",
        )
        for request in requests
    ]


def calendar_deliverables(*, projects, first, last, limit=None):
    deliverables = ProjectDeliverable.objects.filter(
        project__in=projects, next_due_on__gte=first, next_due_on__lte=last
    ).select_related("project", "deliverable")
    deliverables = deliverables.order_by("next_due_on", "pk")[:limit]
    return [
        CalendarEntry(
            "deliverables",
            f"deliverable-{pd.pk}-{pd.next_due_on.isoformat()}",
            pd.next_due_on,
            f"Deliverable due: {pd.deliverable}",
            pd.project_id,
            pd.get_absolute_url(),
            f"{pd.deliverable} of {pd.project}",
            "stale" if pd.is_stale else "",
        )
        for pd in deliverables
    ]


def calendar_risk_reviews(*, projects, first, last, limit=None):
    risks = Risk.objects.filter(
        project__in=projects, status__in=LIVE_STATUSES, next_review_on__gte=first, next_review_on__lte=last
    ).select_related("project")
    risks = risks.order_by("next_review_on", "pk")[:limit]
    return [
        CalendarEntry(
            "risk-reviews",
            f"risk-review-{risk.pk}-{risk.next_review_on.isoformat()}",
            risk.next_review_on,
            f"Risk review: {risk}",
            risk.project_id,
            risk.get_absolute_url(),
            f"{risk.code} of {risk.project}",
            "aging" if risk.is_aging else "",
        )
        for risk in risks
    ]


def calendar_acceptance_expiries(*, projects, first, last, limit=None):
    risks = Risk.objects.filter(
        project__in=projects, status=RiskStatus.ACCEPTED, accepted_until__gte=first, accepted_until__lte=last
    ).select_related("project")
    risks = risks.order_by("accepted_until", "pk")[:limit]
    return [
        CalendarEntry(
            "acceptance-expiries",
            f"acceptance-{risk.pk}-{risk.accepted_until.isoformat()}",
            risk.accepted_until,
            f"Acceptance ends: {risk}",
            risk.project_id,
            risk.get_absolute_url(),
            f"{risk.code} of {risk.project} is accepted until this day",
        )
        for risk in risks
    ]


def calendar_actions(*, projects, first, last, limit=None):
    actions = ActionItem.objects.filter(
        project__in=projects, done_on=None, due_on__gte=first, due_on__lte=last
    ).select_related("project", "owner", "occurrence__series", "occurrence__project")
    actions = actions.order_by("due_on", "pk")[:limit]
    return [
        CalendarEntry(
            "review-actions",
            f"review-action-{action.pk}",
            action.due_on,
            f"Action due: {action.title}",
            action.project_id,
            action.get_absolute_url(),
            f"Owner {action.owner}; from {action.occurrence}",
            "overdue" if action.is_overdue else "open",
        )
        for action in actions
    ]


# --- Reminders (the daily sweep, reminders.reminders_send) ---------------------------------


def _project_batches() -> Iterator[list[int]]:
    """Ids of the projects not retired, by id, `PLAN_BATCH_SIZE` at a time (keyset, not OFFSET).

    Each planner reads one batch's records and members in a fixed number of queries, so a
    sweep costs the same per batch at any portfolio size and never holds the whole
    portfolio's rows at once.
    """
    live = Project.objects.exclude(status=ProjectStatus.RETIRED).order_by("pk").values_list("pk", flat=True)
    after = 0
    while batch := list(live.filter(pk__gt=after)[:PLAN_BATCH_SIZE]):
        yield batch
        after = batch[-1]


def _with_roles(holders: dict[str, list], roles) -> list:
    """Each person holding any of `roles`, once."""
    return list({person.pk: person for role in roles for person in holders.get(role, [])}.values())


def plan_review_reminders(*, today):
    """Before a meeting (the series' lead time), on the day while unrecorded, escalation while overdue."""
    from .selectors import series_for_dates

    for project_ids in _project_batches():
        series = list(series_for_dates(ReviewSeries.objects.filter(project__in=project_ids, paused_on=None)))
        if series:
            yield from _review_reminders(series, today=today)


def _review_reminders(series: list[ReviewSeries], *, today) -> Iterator[Reminder]:
    from .selectors import series_occurrences

    longest_lead = max(item.lead_days for item in series)
    grace = 31  # the longest overdue window of any kind (choices.OVERDUE_GRACE_DAYS) fits in it
    occurrences = series_occurrences(
        series_list=series,
        first=today - datetime.timedelta(days=grace),
        last=today + datetime.timedelta(days=longest_lead),
    )
    # Most days most meetings need no reminder: only their projects' members are read.
    reminded = [
        occurrence
        for occurrence in occurrences
        if occurrence.status in (OccurrenceStatus.DUE, OccurrenceStatus.OVERDUE)
        or (
            occurrence.status == OccurrenceStatus.UPCOMING
            and (occurrence.scheduled_on - today).days <= occurrence.series.lead_days
        )
    ]
    holders = role_holders_by_project(projects={occurrence.project_id for occurrence in reminded}) if reminded else {}
    for occurrence in reminded:
        item = occurrence.series
        day = occurrence.scheduled_on
        members = holders.get(item.project_id, {})
        review = f"The {item.get_kind_display().lower()} review of {item.project}"
        if occurrence.status == OccurrenceStatus.UPCOMING:
            kind, recipients = "review-upcoming", _with_roles(members, [item.chair_role, *item.attendee_roles])
            subject = f"{item.title} on {_date(day)} ({item.project})"
            body = f"{review} is on {_date(day)}. Its agenda is prepared from the project's current state."
        elif occurrence.status == OccurrenceStatus.DUE:
            kind, recipients = "review-due", _with_roles(members, [item.chair_role, *item.attendee_roles])
            subject = f"{item.title} is today ({item.project})"
            body = (
                f"{review} is today and not recorded yet: record who attended, the decisions and the follow-up actions."
            )
        else:
            kind, recipients = "review-overdue", _with_roles(members, ESCALATION_ROLES)
            subject = f"Not recorded: {item.title} of {_date(day)} ({item.project})"
            body = f"{review} scheduled for {_date(day)} has no record. Record it, or it will show as missed."
        if recipients:
            yield Reminder(
                recipients=tuple(recipients),
                kind=kind,
                subject=subject,
                body=body,
                target=item,
                project=item.project,
                period_key=day.isoformat(),
                url=occurrence.get_absolute_url(),
            )


def plan_deliverable_reminders(*, today):
    """Owners: a week before a deliverable's due date, and once it is stale (each once per due date)."""
    soon = today + datetime.timedelta(days=DELIVERABLE_LEAD_DAYS)
    for project_ids in _project_batches():
        deliverables = ProjectDeliverable.objects.filter(
            project__in=project_ids, owner__isnull=False, owner__is_active=True, next_due_on__lte=soon
        ).select_related("project", "deliverable", "owner")
        for pd in deliverables:
            stale = pd.next_due_on < today
            yield Reminder(
                recipients=(pd.owner,),
                kind="deliverable-stale" if stale else "deliverable-due",
                subject=(f"Stale since {_date(pd.next_due_on)}" if stale else f"Due {_date(pd.next_due_on)}")
                + f": {pd.deliverable} ({pd.project})",
                body=(
                    f"{pd.deliverable} of {pd.project} was due on {_date(pd.next_due_on)} and has not been updated."
                    if stale
                    else f"{pd.deliverable} of {pd.project} is due on {_date(pd.next_due_on)}."
                )
                + f" Cadence: {pd.deliverable.cadence_label}.",
                target=pd,
                project=pd.project,
                period_key=pd.next_due_on.isoformat(),
                url=pd.get_absolute_url(),
                category="deliverables",
            )


def plan_deliverable_digests(*, today):
    """Each Product Manager, once a week: the stale and soon-due deliverables of their projects.

    A Product Manager of projects in different batches gets one digest: the rows are
    gathered per person over all batches, then each digest is written.
    """
    year, week, _ = today.isocalendar()
    soon = today + datetime.timedelta(days=14)
    rows_of: dict[int, list] = defaultdict(list)
    people = {}
    for project_ids in _project_batches():
        managers = members_by_project(projects=project_ids, roles=[Role.PRODUCT_MANAGER])
        if not managers:
            continue
        deliverables = (
            ProjectDeliverable.objects.filter(project__in=list(managers), next_due_on__lte=soon)
            .select_related("project", "deliverable", "owner")
            .order_by("next_due_on")
        )
        by_project: dict[int, list] = defaultdict(list)
        for pd in deliverables:
            by_project[pd.project_id].append(pd)
        for project_id, users in managers.items():
            for user in users:
                people[user.pk] = user
                rows_of[user.pk].extend(by_project[project_id])
    for user_id, user in people.items():
        # Project by project (by name), each one's rows by due date, as the digest has always read.
        rows = sorted(rows_of[user_id], key=lambda pd: (pd.project.name, pd.project_id, pd.next_due_on))
        if not rows:
            continue
        stale = [pd for pd in rows if pd.next_due_on < today]
        due = [pd for pd in rows if pd.next_due_on >= today]
        lines = [f"Stale ({len(stale)}):"] + [
            f"- {pd.deliverable} ({pd.project}), due {_date(pd.next_due_on)}, owner {pd.owner or 'none'}"
            for pd in stale
        ]
        lines += [f"Due in the next two weeks ({len(due)}):"] + [
            f"- {pd.deliverable} ({pd.project}), due {_date(pd.next_due_on)}, owner {pd.owner or 'none'}" for pd in due
        ]
        yield Reminder(
            recipients=(user,),
            kind="deliverables-digest",
            subject=f"Deliverables this week: {len(stale)} stale, {len(due)} due soon",
            body="\n".join(lines),
            target=user,
            period_key=f"{year}-W{week:02d}",
            url=reverse("deliverables:registry"),
            category="deliverables",
        )


def plan_action_reminders(*, today):
    """Owners of review actions: two days before the due date, and once when it passes."""
    for project_ids in _project_batches():
        actions = ActionItem.objects.filter(
            project__in=project_ids,
            done_on=None,
            due_on__lte=today + datetime.timedelta(days=ACTION_LEAD_DAYS),
        ).select_related("project", "owner", "occurrence__series", "occurrence__project")
        for action in actions:
            overdue = action.due_on < today
            yield Reminder(
                recipients=(action.owner,),
                kind="review-action-overdue" if overdue else "review-action-due",
                subject=f"{'Overdue' if overdue else 'Due'} {_date(action.due_on)}: {action.title}",
                body=f"A follow-up action of {action.occurrence} ({action.project}) is assigned to you: "
                f"{action.title}. Due {_date(action.due_on)}.",
                target=action,
                project=action.project,
                period_key=action.due_on.isoformat(),
                url=action.get_absolute_url(),
            )


def register_builtin_sources() -> None:
    """Called once from CadenceConfig.ready()."""
    weekly, monthly, quarterly, ad_hoc = (
        ReviewKind.WEEKLY,
        ReviewKind.MONTHLY,
        ReviewKind.QUARTERLY,
        ReviewKind.AD_HOC,
    )
    register_agenda_source("risks-due", label="Risks due for review", kinds=[weekly], provider=agenda_risks_due)
    register_agenda_source(
        "risks-changed", label="Risks changed since the last review", kinds=[weekly], provider=agenda_risks_changed
    )
    register_agenda_source(
        "deliverables-stale", label="Deliverables gone stale", kinds=[monthly], provider=agenda_deliverables_stale
    )
    register_agenda_source(
        "fairness-items", label="Open fairness checklist items", kinds=[quarterly], provider=agenda_fairness_items
    )
    register_agenda_source(
        "acceptances-expiring",
        label="Risk acceptances expiring",
        kinds=[quarterly],
        provider=agenda_acceptances_expiring,
    )
    register_agenda_source(
        "regulatory-change",
        label="Regulatory-change risks",
        kinds=[quarterly, ad_hoc],
        provider=agenda_regulatory_change,
    )
    register_calendar_source("reviews", label="Governance reviews", provider=calendar_reviews, icon="bi-people")
    register_calendar_source("signoffs", label="Sign-off due dates", provider=calendar_signoffs, icon="bi-pen")
    register_calendar_source(
        "deliverables", label="Deliverable due dates", provider=calendar_deliverables, icon="bi-folder-check"
    )
    register_calendar_source(
        "risk-reviews", label="Risk reviews", provider=calendar_risk_reviews, icon="bi-exclamation-triangle"
    )
    register_calendar_source(
        "acceptance-expiries",
        label="Risk acceptance expiries",
        provider=calendar_acceptance_expiries,
        icon="bi-hourglass-split",
    )
    register_calendar_source(
        "review-actions", label="Review follow-up actions", provider=calendar_actions, icon="bi-check2-square"
    )
    register_reminder_planner("reviews", plan_review_reminders)
    register_reminder_planner("review-actions", plan_action_reminders)
    register_reminder_planner("deliverables", plan_deliverable_reminders)
    register_reminder_planner("deliverables-digest", plan_deliverable_digests)
