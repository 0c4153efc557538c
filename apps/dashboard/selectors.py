"""The dashboard of one person: their queue, then the panels of the roles they hold."""

from dataclasses import dataclass

from django.utils import timezone

from apps.core.sql import many_ids
from apps.projects.access import visible_projects
from apps.projects.choices import Role
from apps.projects.models import Membership, Project

from . import registry
from .registry import AUDITOR, Panel, QueueSection, QueueSource, Viewer


@dataclass(frozen=True)
class Dashboard:
    viewer: Viewer
    queue: list[tuple[QueueSource, QueueSection]]
    panels: list[tuple[Panel, dict]]

    @property
    def waiting(self) -> int:
        return sum(section.total for _, section in self.queue)

    @property
    def overdue(self) -> int:
        return sum(section.overdue for _, section in self.queue)

    @property
    def role_labels(self) -> list[str]:
        """The roles the person holds somewhere, in the roles' order, as people read them."""
        labels = [label for value, label in Role.choices if value in self.viewer.roles]
        return labels + (["Compliance Auditor"] if AUDITOR in self.viewer.roles else [])


def viewer_for(*, user, today=None) -> Viewer:
    """Who `user` is on the dashboard: their visible projects and the roles they hold on them (three queries).

    The visible projects are read once, as ids: every provider filters on them, and a list of ids
    costs PostgreSQL less than the permission tables' subquery repeated in twenty queries.
    """
    visible = Project.objects.filter(pk__in=many_ids(visible_projects(user).values_list("pk", flat=True)))
    held = set(
        Membership.objects.filter(user=user, project__in=visible).values_list("role", flat=True).distinct().order_by()
    )
    if user.has_perm("projects.view_project"):  # portal-wide: the Compliance Auditors group
        held.add(AUDITOR)
    return Viewer(user=user, today=today or timezone.localdate(), visible=visible, roles=frozenset(held))


def panel_projects(viewer: Viewer, panel: Panel):
    """The projects a panel is about: those where the person holds one of its roles; every visible
    project for a portal-wide auditor when the panel is for auditors. Read once, as ids (one query)."""
    if AUDITOR in panel.roles and AUDITOR in viewer.roles:
        return viewer.visible
    held_on = Membership.objects.filter(user=viewer.user, role__in=panel.roles, project__in=viewer.visible)
    return Project.objects.filter(pk__in=many_ids(held_on.values_list("project_id", flat=True).distinct().order_by()))


def dashboard_for(*, user, today=None) -> Dashboard:
    """Every registered queue section, then the panels of the roles `user` holds, in their order."""
    viewer = viewer_for(user=user, today=today)
    queue = [(source, source.provider(viewer)) for source in registry.queue_sources()]
    scopes = {}  # panels for the same roles share their projects: one query per set of roles
    panels = []
    for panel in registry.panels():
        if panel.roles & viewer.roles:
            if panel.roles not in scopes:
                scopes[panel.roles] = panel_projects(viewer, panel)
            panels.append((panel, panel.provider(viewer, scopes[panel.roles])))
    return Dashboard(viewer, queue, panels)
