"""Incidents on the dashboard: action items you own that are due, and (for compliance) the open
incidents and the post-incident reviews past their due date."""

from django.db.models import Count, Q

from apps.dashboard.registry import QueueItem, QueueSection, Viewer, lines, section

from .choices import Severity, Status
from .models import ActionItem, Incident, PostIncidentReview


def action_items_due(viewer: Viewer) -> QueueSection:
    """Open incident action items you own, overdue or due within the week, most overdue first."""
    items = (
        ActionItem.objects.open()
        .filter(owner=viewer.user, incident__project__in=viewer.workable, due_on__lte=viewer.horizon)
        .select_related("incident__project")
        .order_by("due_on", "id")
    )

    def line(item: ActionItem) -> QueueItem:
        return QueueItem(
            title=item.title,
            url=item.get_absolute_url(),
            project_name=item.incident.project.name,
            project_key=item.incident.project.key,
            due_on=item.due_on,
            overdue=item.due_on < viewer.today,
            detail=f"{item.incident.project.key}-{item.incident.code} · {item.get_status_display()}",
        )

    return section(items, line, overdue=Q(due_on__lt=viewer.today))


def incidents_panel(viewer: Viewer, projects) -> dict:
    """Incidents not closed yet, by severity, the most severe first; reviews overdue (four queries)."""
    open_incidents = (
        Incident.objects.filter(project__in=projects)
        .exclude(status=Status.CLOSED)
        .select_related("project")
        .order_by("severity", "-detected_at", "-id")
    )
    by_severity = {
        row["severity"]: row["n"] for row in open_incidents.order_by().values("severity").annotate(n=Count("id"))
    }
    overdue_reviews = (
        PostIncidentReview.objects.filter(
            incident__project__in=projects, approved_at__isnull=True, due_on__lt=viewer.today
        )
        .select_related("incident__project")
        .order_by("due_on", "id")
    )

    def incident_line(incident: Incident) -> QueueItem:
        return QueueItem(
            title=incident.title,
            url=incident.get_absolute_url(),
            project_name=incident.project.name,
            project_key=incident.project.key,
            detail=f"{incident.project.key}-{incident.code} · {incident.severity} · {incident.get_status_display()}",
        )

    def review_line(review: PostIncidentReview) -> QueueItem:
        incident = review.incident
        return QueueItem(
            title=f"Post-incident review of {incident.code} {incident.title}",
            url=review.get_absolute_url(),
            project_name=incident.project.name,
            project_key=incident.project.key,
            due_on=review.due_on,
            overdue=True,
            detail=f"{incident.project.key}-{incident.code} · not signed off",
        )

    return {
        "open": sum(by_severity.values()),
        "by_severity": [{"severity": value, "count": by_severity.get(value, 0)} for value in Severity.values],
        "items": lines(open_incidents, incident_line, limit=5),
        "overdue_reviews": overdue_reviews.count(),
        "overdue_review_items": lines(overdue_reviews, review_line, limit=5),
    }
