"""Reads of the governance cadence, restricted to the projects the user may see.

Occurrences are either rows (recorded, past, or ad hoc) or dates the rule gives
that have no row yet; `series_occurrences` merges both into unsaved/saved
ReviewOccurrence objects, so pages treat them alike.
"""

import datetime
from dataclasses import asdict

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.core.sql import many_ids
from apps.projects.access import visible_projects
from apps.projects.models import Project
from apps.signoffs.models import SignoffRequest

from . import registry
from .choices import OccurrenceStatus
from .models import ActionItem, ReviewDecision, ReviewOccurrence, ReviewSeries


def series_list(*, user, project: Project) -> list[ReviewSeries]:
    """The project's series, each with `next_occurrence` (date or None) and `recent` (last few occurrences).

    Three queries whatever the number of series and occurrences.
    """
    today = timezone.localdate()
    series = list(ReviewSeries.objects.filter(project=project).select_related("project"))
    recent_rows = (
        ReviewOccurrence.objects.filter(series__in=series, scheduled_on__lt=today + datetime.timedelta(days=1))
        .select_related("series", "project")
        .order_by("series_id", "-scheduled_on")
    )
    by_series: dict[int, list[ReviewOccurrence]] = {}
    for row in recent_rows:
        by_series.setdefault(row.series_id, []).append(row)
    upcoming_rows = ReviewOccurrence.objects.filter(series__in=series, scheduled_on__gte=today).order_by("scheduled_on")
    next_row = {}
    for row in upcoming_rows:
        next_row.setdefault(row.series_id, row.scheduled_on)
    for item in series:
        item.recent = by_series.get(item.pk, [])[:5]
        item.missed_count = sum(1 for row in by_series.get(item.pk, []) if row.status == OccurrenceStatus.MISSED)
        candidates = [day for day in (item.next_on(today - datetime.timedelta(days=1)), next_row.get(item.pk)) if day]
        item.next_occurrence = min(candidates) if candidates else None
    return series


def series_get(*, user, project: Project, pk: int) -> ReviewSeries:
    return get_object_or_404(ReviewSeries.objects.select_related("project"), project=project, pk=pk)


def series_for_dates(series: QuerySet) -> QuerySet:
    """Series with only what their dates, a meeting's line and its reminder need: a page may read a thousand
    projects' series, and their purpose and audit columns (and the projects' profiles) would be
    most of the bytes."""
    return series.select_related("project").only(
        "project_id",
        "kind",
        "title",
        "chair_role",
        "attendee_roles",
        "starts_on",
        "rule",
        "paused_on",
        "lead_days",
        "project__name",
        "project__key",
        "project__slug",
    )


def series_occurrences(
    *, series_list: list[ReviewSeries], first: datetime.date, last: datetime.date, limit: int | None = None
) -> list[ReviewOccurrence]:
    """Every occurrence of the series between two dates: recorded rows and the rule's other dates,
    by date (the first `limit` of them when given)."""
    by_pk = {series.pk: series for series in series_list}
    rows = {}
    # The rows take their series and project from the list (already read) instead of a join.
    recorded = ReviewOccurrence.objects.filter(series__in=many_ids(by_pk), scheduled_on__range=(first, last))
    for row in recorded:
        row.series = by_pk[row.series_id]
        row.project = row.series.project
        rows[(row.series_id, row.scheduled_on)] = row
    # Dates first, objects after: a thousand projects' series give thousands of dates a month,
    # and only the first `limit` need a (costly) model instance.
    keys = set(rows)
    keys.update((series.pk, day) for series in series_list for day in series.dates_between(first, last))
    chosen = sorted(keys, key=lambda key: (key[1], key[0]))[:limit]
    return [rows.get(key) or _unrecorded(by_pk[key[0]], key[1]) for key in chosen]


def _unrecorded(series: ReviewSeries, day: datetime.date) -> ReviewOccurrence:
    return ReviewOccurrence(series=series, project=series.project, project_id=series.project_id, scheduled_on=day)


def occurrence_get(*, user, project: Project, series_pk: int, day: datetime.date) -> ReviewOccurrence | None:
    """One occurrence (saved or by the rule), with its record prefetched; None when there is no meeting that day."""
    series = series_get(user=user, project=project, pk=series_pk)
    occurrence = (
        ReviewOccurrence.objects.filter(series=series, scheduled_on=day)
        .select_related("series", "project", "chair", "recorded_by")
        .prefetch_related(
            "attendees",
            "reviewed_risks",
            Prefetch("decisions", ReviewDecision.objects.select_related("recorded_by").order_by("id")),
            Prefetch("actions", ActionItem.objects.select_related("owner").order_by("due_on", "id")),
            Prefetch(
                "attestations",
                SignoffRequest.objects.prefetch_related("events__actor").order_by("-id"),
            ),
        )
        .first()
    )
    if occurrence is not None:
        return occurrence
    if day not in series.dates_between(day, day):
        return None
    return ReviewOccurrence(series=series, project=project, scheduled_on=day)


def last_held_before(series: ReviewSeries, day: datetime.date) -> datetime.date | None:
    return (
        ReviewOccurrence.objects.filter(series=series, held_on__isnull=False, scheduled_on__lt=day)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def agenda_prepare(*, series: ReviewSeries, day: datetime.date) -> list[dict]:
    """The agenda of a meeting, from the portal's current state, by source; as plain dicts (it is stored)."""
    since = last_held_before(series, day)
    sections = []
    for source in registry.agenda_sources(series.kind):
        items = source.provider(project=series.project, on=day, since=since)
        sections.append({"key": source.key, "label": source.label, "items": [asdict(item) for item in items]})
    return sections


def agenda_risk_ids(agenda: list[dict]) -> set[int]:
    return {item["risk_id"] for section in agenda for item in section["items"] if item.get("risk_id")}


def calendar_projects(*, user, project_slug: str = "") -> QuerySet[Project]:
    projects = visible_projects(user)
    return projects.filter(slug=project_slug) if project_slug else projects


def open_actions(*, user, project: Project | None = None) -> QuerySet[ActionItem]:
    queryset = ActionItem.objects.filter(done_on=None).select_related(
        "owner", "occurrence__series", "occurrence__project", "project"
    )
    if project is not None:
        return queryset.filter(project=project)
    return queryset.filter(project__in=visible_projects(user))
