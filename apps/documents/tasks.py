"""Celery entry point of generated documents."""

from celery import shared_task

from .services import document_build


@shared_task(acks_late=True)
def build_document(document_id: int) -> str | None:
    """Build one requested document (dossier, large register PDF); a second delivery builds nothing."""
    document = document_build(document_id=document_id)
    return document.state if document else None
