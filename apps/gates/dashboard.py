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
# The board's cells are narrow: each state shows as an icon, with its one wording (states.shown_state)
# beside it for screen readers, in the tooltip and in the legend under the board.
STATE_ICONS = {
    GateState.APPROVED: "check-circle-fill",
    GateState.AWAITING_SIGNOFF: "hourglass-split",
    GateState.IN_PROGRESS: "play-circle",
    GateState.NOT_STARTED: "circle",
    GateState.REJECTED: "x-circle-fill",
    GateState.REOPENED: "arrow-counterclockwise",
    states.PASSED_UNRECORDED: "dash-circle-dotted",
}


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
                    "icon": STATE_ICONS[state.key],
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
    legend: dict[str, dict] = {}
    for row in rows:
        for cell in row["cells"]:
            entry = legend.setdefault(
                cell["state"], {"state": cell["state"], "icon": cell["icon"], "label": cell["label"]}
            )
            entry["count"] = entry.get("count", 0) + 1
    return {
        "legend": [legend[key] for key in STATE_ICONS if key in legend],
        "stages": [label for _, label in Stage.choices],
        "rows": rows,
        "projects": ordered.count(),
        "awaiting_signoff": legend.get(GateState.AWAITING_SIGNOFF, {}).get("count", 0),
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
