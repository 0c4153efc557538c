"""Celery entry points of the stage gates."""

from celery import shared_task

from apps.projects.models import Project

from .choices import GateState
from .models import Gate
from .services import gates_check_current


@shared_task(acks_late=True)
def invalidate_changed_gates() -> int:
    """Every 30 minutes: reopen approved gates whose signed content changed since approval."""
    projects = Project.objects.filter(pk__in=Gate.objects.filter(state=GateState.APPROVED).values("project_id"))
    return sum(len(gates_check_current(project=project)) for project in projects)
