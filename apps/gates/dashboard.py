"""Stage gates on the dashboard: the lifecycle board for Product Managers and the gate decisions
waiting on an Executive Sponsor's projects."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from apps.dashboard.registry import QueueItem, Viewer, lines
from apps.projects.choices import Stage
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest
from apps.signoffs.selectors import signoff_inbox

from . import states
from .choices import GateState
from .selectors import gates_by_project

BOARD_ROWS = 25


def lifecycle_board(viewer: Viewer, projects) -> dict:
    """Projects × the eight stages, each cell the gate's state as the gate page words it (three queries)."""
    ordered = projects.order_by("name", "pk")
    shown = list(ordered[:BOARD_ROWS])
    gates = gates_by_project(projects=shown)
    rows = []
    for project in shown:
        cells = []
        for gate in gates[project.pk]:
            state = states.shown_state(gate)
            cells.append(
                {
                    "stage": gate.stage,
                    "state": state.key,
                    "label": state.label,
                    "current": gate.stage == project.current_stage,
                    "url": reverse("gates:gate-detail", kwargs={"project_slug": project.slug, "stage": gate.stage}),
                }
            )
        rows.append(
            {
                "project_name": project.name,
                "project_key": project.key,
                "url": project.get_absolute_url(),
                "current_stage": project.get_current_stage_display(),
                "cells": cells,
            }
        )
    return {
        "stages": [label for _, label in Stage.choices],
        "rows": rows,
        "projects": ordered.count(),
        "awaiting_signoff": sum(1 for row in rows for cell in row["cells"] if cell["state"] == GateState.AWAITING_SIGNOFF),
    }


def sponsor_decisions(viewer: Viewer, projects) -> dict:
    """Gate sign-offs open on the sponsor's projects, those waiting for the sponsor's own decision first."""
    open_gates = SignoffRequest.objects.filter(
        state=RequestState.OPEN, target_type__model="gate", project__in=projects
    ).annotate(for_me=Exists(signoff_inbox(user=viewer.user).filter(pk=OuterRef("pk"))))
    counts = open_gates.order_by().aggregate(open=Count("pk"), waiting_for_you=Count("pk", filter=Q(for_me=True)))
    ordered = open_gates.select_related("project", "requested_by").order_by("-for_me", "due_on", "id")

    def line(signoff: SignoffRequest) -> QueueItem:
        who = "Waiting for you" if signoff.for_me else "Waiting for other approvers"
        return QueueItem(
            title=signoff.title,
            url=signoff.get_absolute_url(),
            project_name=signoff.project.name,
            project_key=signoff.project.key,
            due_on=signoff.due_on,
            overdue=signoff.due_on < viewer.today,
            detail=f"{who} · requested by {signoff.requested_by.display_name}",
        )

    return {**counts, "items": lines(ordered, line)}
