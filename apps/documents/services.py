"""Writes of generated documents: the request (audited, queued after commit) and the build the task runs."""

import hashlib
import logging

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.projects.access import project_allows
from apps.projects.models import Project

from .choices import DocumentState
from .models import GeneratedDocument
from .registry import document_kind

logger = logging.getLogger(__name__)


@transaction.atomic
def document_request(
    *, actor, project: Project | None, kind: str, params: dict | None = None, title: str = ""
) -> GeneratedDocument:
    """Queue a document of `kind`; the Celery task builds it once this transaction commits.

    A project document needs the kind's permission on the project; a portfolio-wide one
    (no project) is built from what the requester may see and is only ever theirs.
    """
    declared = document_kind(kind)
    if project is not None and not project_allows(actor, project, declared.permission, "GET"):
        raise PermissionDenied(f"You may not generate a {declared.label} for this project.")
    params = declared.clean(project, dict(params or {}))
    document = GeneratedDocument(
        project=project,
        kind=kind,
        title=(title or (f"{declared.label} — {project.name}" if project else declared.label))[:200],
        params=params,
        requested_by=actor,
    )
    document.full_clean()
    document.save()
    from .tasks import build_document

    transaction.on_commit(lambda: build_document.delay(document.pk))
    return document


def _progress(document_id: int):
    def report(percent: int, step: str) -> None:
        # Outside any transaction, so the status page sees each step as it happens (no audit entry: noise).
        GeneratedDocument.objects.filter(pk=document_id).update(progress=max(0, min(int(percent), 99)), step=step[:200])

    return report


def document_build(*, document_id: int) -> GeneratedDocument | None:
    """Build a queued document (the task's body). Run twice, it builds once: the first run claims it."""
    claimed = GeneratedDocument.objects.filter(pk=document_id, state=DocumentState.QUEUED).update(
        state=DocumentState.RUNNING, started_at=timezone.now(), progress=0, step="Starting"
    )
    if not claimed:
        return None
    document = GeneratedDocument.objects.select_related("project", "requested_by").get(pk=document_id)
    with set_actor(document.requested_by):
        try:
            built = document_kind(document.kind).build(document, _progress(document.pk))
        except Exception as error:  # noqa: BLE001 - any failure of a build is reported on the document
            logger.exception("Building document %s (%s) failed", document.pk, document.kind)
            document.state = DocumentState.FAILED
            document.error = (str(error) or error.__class__.__name__)[:2000]
            document.finished_at = timezone.now()
            document.save(update_fields=["state", "error", "finished_at", "updated_at"])
            return document
        document.file.save(built.filename, ContentFile(built.content), save=False)
        document.content_type = built.content_type
        document.size = len(built.content)
        document.sha256 = hashlib.sha256(built.content).hexdigest()
        document.manifest = built.manifest
        document.state = DocumentState.DONE
        document.progress = 100
        document.step = "Ready"
        document.finished_at = timezone.now()
        document.save()
    return document


def document_params_error(error: ValidationError) -> dict:
    """A ValidationError as {field: [messages]} for a form or the API."""
    return error.message_dict if hasattr(error, "error_dict") else {"params": error.messages}
