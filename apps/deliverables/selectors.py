"""Reads of project deliverables, restricted to the projects the user may see."""

from django.db.models import QuerySet

from apps.projects.access import visible_projects
from apps.projects.models import Project

from .filters import RegistryFilter
from .models import ProjectDeliverable


def project_deliverable_list(*, project: Project) -> QuerySet[ProjectDeliverable]:
    """A project's deliverables in registry order."""
    return (
        ProjectDeliverable.objects.filter(project=project)
        .select_related("deliverable", "owner", "project")
        .order_by("deliverable__position")
    )


def registry_list(*, user, filters=None) -> QuerySet[ProjectDeliverable]:
    """Deliverables of every project the user may see, filtered and sorted (soonest due first by default)."""
    queryset = ProjectDeliverable.objects.filter(project__in=visible_projects(user)).select_related(
        "deliverable", "owner", "project"
    )
    return RegistryFilter(filters or {}, queryset=queryset, user=user).qs
