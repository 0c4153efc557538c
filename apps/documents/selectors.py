"""Reads of generated documents, restricted to what the user may see.

A project document is visible to whoever holds its kind's permission on the project; a
portfolio-wide document only to the person who asked for it (it was built from what they see).
"""

from django.db.models import QuerySet

from apps.core.permissions import object_perms
from apps.projects.models import Project

from .models import GeneratedDocument
from .registry import document_kinds


def _base() -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.select_related("project", "requested_by")


def document_list(*, user, project: Project) -> QuerySet[GeneratedDocument]:
    """A project's documents whose kind's permission the user holds on it."""
    perms = object_perms(user, project)
    kinds = [kind.key for kind in document_kinds() if kind.permission in perms]
    return _base().filter(project=project, kind__in=kinds)


def portfolio_document_list(*, user) -> QuerySet[GeneratedDocument]:
    return _base().filter(project__isnull=True, requested_by=user)


def document_get(*, user, pk: int, project: Project | None = None) -> GeneratedDocument | None:
    queryset = document_list(user=user, project=project) if project else portfolio_document_list(user=user)
    return queryset.filter(pk=pk).first()


def documents_of_kind(*, user, project: Project, kind: str) -> QuerySet[GeneratedDocument]:
    return document_list(user=user, project=project).filter(kind=kind)
