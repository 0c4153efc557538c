"""Kinds of generated document, declared by the apps that build them.

An app calls `register_document_kind(...)` from its `AppConfig.ready()`:

    register_document_kind("risks.register-pdf", "Risk register (PDF)", build_register_pdf,
                           permission=roles.VIEW, clean=clean_register_params)

`build(document, progress)` runs in the Celery worker: it reads `document.project`,
`document.params` and `document.requested_by`, calls `progress(percent, step)` as it goes, and
returns a `BuiltDocument`. `clean(project, params) -> params` (optional) checks what a request
asks for before anything is queued and raises `ValidationError` for what it refuses.
`permission` is the project permission needed to request, see and download documents of the
kind; a portfolio-wide document (no project) is seen by its requester only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from apps.projects import roles

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class BuiltDocument:
    """What a build returns: the file and, for documents that carry one, their integrity manifest."""

    content: bytes
    filename: str
    content_type: str = "application/pdf"
    manifest: dict | None = None


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    build: Callable[..., BuiltDocument]  # build(document, progress) -> BuiltDocument
    permission: str = roles.VIEW
    clean: Callable[..., dict] = field(default=lambda project, params: params)
    request_url: str = ""  # URL name (project_slug) of the kind's request form, offered on the documents page


_kinds: dict[str, DocumentKind] = {}


def register_document_kind(
    key: str,
    label: str,
    build: Callable[..., BuiltDocument],
    *,
    permission: str = roles.VIEW,
    clean: Callable[..., dict] | None = None,
    request_url: str = "",
) -> None:
    """Declare a kind of document the portal builds in the background."""
    _kinds[key] = DocumentKind(key, label, build, permission, clean or (lambda project, params: params), request_url)


def document_kind(key: str) -> DocumentKind:
    try:
        return _kinds[key]
    except KeyError:
        raise ValidationError({"kind": f"Unknown kind of document “{key}”."}) from None


def document_kinds() -> list[DocumentKind]:
    return list(_kinds.values())


def kind_label(key: str) -> str:
    kind = _kinds.get(key)
    return kind.label if kind else key
