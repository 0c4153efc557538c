"""The sign-off engine's lines on the dashboard: requests waiting for you, and your own still open."""

from django.db.models import Q

from apps.dashboard.registry import QueueItem, QueueSection, Viewer, section

from .selectors import signoff_inbox, signoff_submitted


def _line(signoff, detail: str, today) -> QueueItem:
    return QueueItem(
        title=signoff.title,
        url=signoff.get_absolute_url(),
        project_name=signoff.project.name,
        project_key=signoff.project.key,
        due_on=signoff.due_on,
        overdue=signoff.due_on < today,
        detail=detail,
    )


def signoffs_waiting(viewer: Viewer) -> QueueSection:
    """Open requests with a slot the person may fill, overdue first (the inbox's order: due date)."""
    return section(
        signoff_inbox(user=viewer.user).filter(project__in=viewer.visible),
        lambda s: _line(s, f"Requested by {s.requested_by.display_name}", viewer.today),
        overdue=Q(due_on__lt=viewer.today),
    )


def signoffs_requested(viewer: Viewer) -> QueueSection:
    """Requests the person made that nobody has closed yet, with how many approvals they still wait for."""

    def line(signoff) -> QueueItem:
        waiting = sum(1 for slot in signoff.approvers.all() if not slot.decided)
        return _line(signoff, f"Waiting for {waiting} approval{'s' if waiting != 1 else ''}", viewer.today)

    return section(
        signoff_submitted(user=viewer.user).filter(project__in=viewer.visible),
        line,
        overdue=Q(due_on__lt=viewer.today),
    )
