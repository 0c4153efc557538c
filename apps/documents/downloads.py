"""The stored file of a generated document as an HTTP attachment (pages and API alike).

An attachment, so `apps.audit.middleware.ExportAuditMiddleware` records the download as an export.
"""

from django.http import FileResponse, Http404

from .models import GeneratedDocument


def document_file_response(document: GeneratedDocument) -> FileResponse:
    if not document.file:
        raise Http404("This document has no file (yet).")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type or "application/octet-stream",
    )
