"""Checklist items on the dashboard: the ones you own whose stage the project has reached."""

from django.db.models import Case, F, IntegerField, Q, When
from django.urls import reverse

from apps.dashboard.registry import QueueItem, QueueSection, Viewer, section
from apps.projects.choices import Stage

from .choices import COMPLETE_STATUSES
from .models import ItemResponse


def _stage_order(field: str) -> Case:
    return Case(*(When(**{field: stage}, then=i) for i, stage in enumerate(Stage.values)), output_field=IntegerField())


def checklist_items_due(viewer: Viewer) -> QueueSection:
    """Unfinished items you own on the current version of a checklist, for the project's current stage
    (due) or a stage it has already left (overdue), overdue first."""
    responses = (
        ItemResponse.objects.filter(owner=viewer.user, project__in=viewer.workable)
        .filter(item__version_id=F("checklist__version_id"))
        .exclude(status__in=COMPLETE_STATUSES)
        .annotate(item_stage=_stage_order("item__stage"), project_stage=_stage_order("project__current_stage"))
        .filter(item_stage__lte=F("project_stage"))
        .select_related("item", "project", "checklist__version")
        .order_by("item_stage", "project__name", "item__position")
    )

    def line(response) -> QueueItem:
        return QueueItem(
            title=response.item.title,
            url=reverse(
                "checklists:item-detail",
                kwargs={
                    "project_slug": response.project.slug,
                    "checklist_id": response.checklist_id,
                    "item_key": response.item.key,
                },
            ),
            project_name=response.project.name,
            project_key=response.project.key,
            overdue=response.item_stage < response.project_stage,
            detail=f"{response.item.get_stage_display()} · {response.get_status_display()}"
            f" · {response.checklist.version.name}",
        )

    return section(responses, line, overdue=Q(item_stage__lt=F("project_stage")))
