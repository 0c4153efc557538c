"""Deliverables on the dashboard: yours that are due, and (for Product Managers) every one due or stale."""

from django.db.models import Count, Q

from apps.dashboard.registry import QueueItem, QueueSection, Viewer, lines, section

from .models import ProjectDeliverable


def _line(deliverable: ProjectDeliverable, today, *, with_owner: bool = False) -> QueueItem:
    detail = deliverable.get_status_display()
    if with_owner:
        detail += f" · {deliverable.owner.display_name if deliverable.owner else 'no owner'}"
    return QueueItem(
        title=deliverable.deliverable.name,
        url=deliverable.get_absolute_url(),
        project_name=deliverable.project.name,
        project_key=deliverable.project.key,
        due_on=deliverable.next_due_on,
        overdue=deliverable.next_due_on < today,
        detail=detail,
    )


def _due(viewer: Viewer, projects):
    return (
        ProjectDeliverable.objects.filter(project__in=projects, next_due_on__lte=viewer.horizon)
        .select_related("deliverable", "project", "owner")
        .order_by("next_due_on", "project__name", "deliverable__position")
    )


def deliverables_due(viewer: Viewer) -> QueueSection:
    """Deliverables you own that are past their due date or due within the week, stalest first."""
    return section(
        _due(viewer, viewer.workable).filter(owner=viewer.user),
        lambda d: _line(d, viewer.today),
        overdue=Q(next_due_on__lt=viewer.today),
    )


def deliverables_panel(viewer: Viewer, projects) -> dict:
    """Across the projects a Product Manager manages: how many deliverables are stale or due soon, and which."""
    due = _due(viewer, projects)
    counts = due.order_by().aggregate(
        stale=Count("pk", filter=Q(next_due_on__lt=viewer.today)),
        due_soon=Count("pk", filter=Q(next_due_on__gte=viewer.today)),
        unowned=Count("pk", filter=Q(owner__isnull=True)),
    )
    return {**counts, "items": lines(due, lambda d: _line(d, viewer.today, with_owner=True))}
