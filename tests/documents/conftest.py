import pytest

from apps.documents import registry
from apps.documents.registry import BuiltDocument, register_document_kind
from apps.projects import roles

ECHO = "tests.echo"
AUDIT_ONLY = "tests.audit-only"


def build_echo(document, progress):
    """A tiny document: its text says what was asked; params {"fail": true} makes the build fail."""
    if document.params.get("fail"):
        raise RuntimeError("The echo was asked to fail")
    progress(50, "Echoing")
    where = document.project.name if document.project else "portfolio"
    return BuiltDocument(
        content=f"echo {where} {document.params.get('word', '')}".encode(),
        filename="echo.txt",
        content_type="text/plain",
        manifest={"word": document.params.get("word", "")},
    )


def clean_echo(project, params):
    from django.core.exceptions import ValidationError

    if len(params.get("word", "")) > 20:
        raise ValidationError({"params": "The word is too long."})
    return {"word": params.get("word", ""), **({"fail": True} if params.get("fail") else {})}


# Registered at import, like an app's ready(): the permission suite builds its world before any fixture runs.
register_document_kind(ECHO, "Echo", build_echo, permission=roles.VIEW, clean=clean_echo)
register_document_kind(AUDIT_ONLY, "Audit-only echo", build_echo, permission=roles.VIEW_AUDIT)


@pytest.fixture
def kinds():
    return registry
