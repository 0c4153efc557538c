"""Reads of incidents, already restricted to the projects the user may see."""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.projects.access import visible_projects
from apps.projects.models import Project
from apps.signoffs.models import Approver, SignoffEvent, SignoffRequest

from .choices import OPEN_ACTION_STATUSES, Status
from .filters import IncidentFilter
from .models import (
    ActionItem,
    Incident,
    IncidentArtifact,
    IncidentRiskLink,
    PostIncidentReview,
    TimelineEntry,
    parse_code,
)

FIGURE_MONTHS = 12


def _visible_incidents(*, user, project: Project | None = None) -> QuerySet[Incident]:
    today = timezone.localdate()
    queryset = Incident.objects.select_related("project", "commander", "review").annotate(
        open_actions=Count("action_items", filter=Q(action_items__status__in=OPEN_ACTION_STATUSES), distinct=True),
        overdue_actions=Count(
            "action_items",
            filter=Q(action_items__status__in=OPEN_ACTION_STATUSES, action_items__due_on__lt=today),
            distinct=True,
        ),
    )
    if project is not None:
        # The caller resolved `project` among the user's visible projects (ProjectAccessMixin).
        return queryset.filter(project=project)
    return queryset.filter(project__in=visible_projects(user))


def incident_filter(*, user, filters, project: Project | None = None) -> IncidentFilter:
    queryset = _visible_incidents(user=user, project=project).order_by("-detected_at", "-id")
    return IncidentFilter(filters, queryset=queryset, user=user)


def incident_list(*, user, filters=None, project: Project | None = None) -> QuerySet[Incident]:
    return incident_filter(user=user, filters=filters or {}, project=project).qs


def incident_get(*, user, project: Project, code: str) -> Incident | None:
    """One incident of a project by its code, or None."""
    number = parse_code(code)
    if number is None:
        return None
    return (
        _visible_incidents(user=user, project=project)
        .select_related("data_scientist", "mlops_engineer", "product_owner", "compliance_officer", "created_by")
        .filter(number=number)
        .first()
    )


def incident_timeline(*, incident: Incident) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(incident=incident).select_related("author").order_by("at", "id")


def incident_action_items(*, incident: Incident) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(incident=incident).select_related("owner", "completed_by").order_by("due_on", "id")


def incident_artifacts(*, incident: Incident) -> QuerySet[IncidentArtifact]:
    return IncidentArtifact.objects.filter(incident=incident).select_related("added_by")


def incident_risk_links(*, incident: Incident) -> QuerySet[IncidentRiskLink]:
    return IncidentRiskLink.objects.filter(incident=incident).select_related(
        "risk__project", "risk__owner", "linked_by"
    )


def review_signoffs(*, review: PostIncidentReview) -> list[SignoffRequest]:
    """The review's sign-off requests, newest first, with approvers and events."""
    return list(
        SignoffRequest.objects.filter(incident_review=review)
        .select_related("requested_by", "project")
        .prefetch_related(
            Prefetch("approvers", Approver.objects.select_related("user").order_by("id")),
            Prefetch("events", SignoffEvent.objects.select_related("actor", "approver").order_by("id")),
        )
        .order_by("-id")
    )


def _mean(queryset, start: str, end: str) -> datetime.timedelta | None:
    span = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    return queryset.filter(**{f"{end}__isnull": False}).aggregate(mean=Avg(span))["mean"]


def incident_figures(queryset: QuerySet[Incident], *, today: datetime.date | None = None) -> dict:
    """Incidents per month (the last 12), mean time to acknowledge and to resolve, reviews on time,
    overdue action items: a fixed number of queries, whatever the number of incidents."""
    today = today or timezone.localdate()
    # A plain queryset over the same incidents: list annotations (joins to action items) would
    # multiply rows in the counts and weight the means.
    ids = queryset.order_by().values("pk")
    base = Incident.objects.filter(pk__in=ids).order_by()
    first_month = today.replace(day=1) - relativedelta(months=FIGURE_MONTHS - 1)
    counts = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row["n"]
        for row in base.filter(detected_at__date__gte=first_month)
        .annotate(month=TruncMonth("detected_at"))
        .values("month")
        .annotate(n=Count("id"))
    }
    months, month = [], first_month
    for _ in range(FIGURE_MONTHS):
        months.append({"month": month, "count": counts.get(month, 0)})
        month += relativedelta(months=1)
    peak = max([m["count"] for m in months] + [1])
    for m in months:
        m["height"] = 10 * round(10 * m["count"] / peak)  # a CSS class per 10 %: no inline styles (CSP)
    reviews = PostIncidentReview.objects.filter(incident__in=ids).aggregate(
        total=Count("id"),
        approved=Count("id", filter=Q(approved_at__isnull=False)),
        on_time=Count("id", filter=Q(approved_at__isnull=False, approved_at__date__lte=F("due_on"))),
        overdue=Count("id", filter=Q(approved_at__isnull=True, due_on__lt=today)),
    )
    decided = reviews["approved"] + reviews["overdue"]
    actions = ActionItem.objects.filter(incident__in=ids).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)),
    )
    totals = base.aggregate(total=Count("id"), live=Count("id", filter=~Q(status=Status.CLOSED)))
    return {
        "months": months,
        "total": totals["total"],
        "not_closed": totals["live"],
        "mean_time_to_acknowledge": _mean(base, "detected_at", "acknowledged_at"),
        "mean_time_to_resolve": _mean(base, "detected_at", "resolved_at"),
        "reviews": reviews,
        # Reviews on time among those that count: approved, or past their due date unapproved.
        "reviews_on_time_pct": round(100 * reviews["on_time"] / decided) if decided else None,
        "actions": actions,
    }


def webhook_counter(*, project: Project):
    """The project's counter row (with the webhook token's hint), or None before the first incident or token."""
    from .models import IncidentCounter

    return IncidentCounter.objects.filter(project=project).first()
