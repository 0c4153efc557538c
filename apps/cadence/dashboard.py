"""Governance reviews on the dashboard: meetings you chair or attend this week, follow-up actions you
own that are due, and (for compliance) the meetings held but never recorded."""

from collections import defaultdict

from django.db.models import Q

from apps.dashboard.registry import LIST_LIMIT, QueueItem, QueueSection, Viewer, lines, section
from apps.projects.models import Membership

from .choices import OccurrenceStatus
from .models import ActionItem, ReviewOccurrence, ReviewSeries
from .selectors import series_for_dates, series_occurrences


def _meeting_line(occurrence: ReviewOccurrence, detail: str, today) -> QueueItem:
    return QueueItem(
        title=occurrence.series.title,
        url=occurrence.get_absolute_url(),
        project_name=occurrence.project.name,
        project_key=occurrence.project.key,
        due_on=occurrence.scheduled_on,
        overdue=occurrence.status in (OccurrenceStatus.OVERDUE, OccurrenceStatus.MISSED),
        detail=detail,
    )


def reviews_this_week(viewer: Viewer) -> QueueSection:
    """This week's meetings of the series whose chair or attendee role you hold (three queries).

    Someone may sit on a thousand projects' series: the rows are read with only the columns the
    dates, roles and lines need, and only the first LIST_LIMIT meetings become lines.
    """
    memberships = Membership.objects.filter(user=viewer.user, project__in=viewer.workable)
    held: dict[int, set[str]] = defaultdict(set)
    for project_id, role in memberships.values_list("project_id", "role"):
        held[project_id].add(role)
    # A subquery, not the ids: a thousand parameters cost more to bind than the join.
    candidates = series_for_dates(ReviewSeries.objects.filter(project__in=memberships.values("project_id")))
    mine = [
        series
        for series in candidates
        if series.chair_role in held[series.project_id] or held[series.project_id] & set(series.attendee_roles)
    ]
    chairs = {series.pk for series in mine if series.chair_role in held[series.project_id]}
    monday, sunday = viewer.week
    occurrences = series_occurrences(series_list=mine, first=monday, last=sunday)
    overdue = (OccurrenceStatus.OVERDUE, OccurrenceStatus.MISSED)
    items = [
        _meeting_line(
            occurrence,
            f"{'You chair' if occurrence.series_id in chairs else 'You attend'} · {occurrence.get_status_display()}",
            viewer.today,
        )
        for occurrence in occurrences[:LIST_LIMIT]
    ]
    return QueueSection(items, len(occurrences), sum(1 for o in occurrences if o.status in overdue))


def review_actions_due(viewer: Viewer) -> QueueSection:
    """Follow-up actions from reviews that you own, not done, overdue or due within the week."""
    actions = (
        ActionItem.objects.filter(
            owner=viewer.user, done_on__isnull=True, project__in=viewer.workable, due_on__lte=viewer.horizon
        )
        .select_related("project", "occurrence__series", "occurrence__project")
        .order_by("due_on", "id")
    )

    def line(action: ActionItem) -> QueueItem:
        return QueueItem(
            title=action.title,
            url=action.get_absolute_url(),
            project_name=action.project.name,
            project_key=action.project.key,
            due_on=action.due_on,
            overdue=action.due_on < viewer.today,
            detail=f"From {action.occurrence}",
        )

    return section(actions, line, overdue=Q(due_on__lt=viewer.today))


def _unrecorded_detail(occurrence: ReviewOccurrence) -> str:
    return f"{occurrence.get_status_display()} · chaired by the {occurrence.series.get_chair_role_display()}"


def overdue_reviews_panel(viewer: Viewer, projects) -> dict:
    """Review meetings whose date has passed with no record, oldest first (two queries)."""
    unrecorded = (
        ReviewOccurrence.objects.filter(project__in=projects, held_on__isnull=True, scheduled_on__lt=viewer.today)
        .select_related("series", "project")
        .order_by("scheduled_on", "id")
    )
    return {
        "overdue": unrecorded.count(),
        "items": lines(unrecorded, lambda o: _meeting_line(o, _unrecorded_detail(o), viewer.today), limit=5),
    }
