"""Pages of generated documents: a project's list, a document's status (htmx-polled), downloads.

Downloads are attachments, so `apps.audit.middleware.ExportAuditMiddleware` records each one as an
export security event; nothing here needs to remember to.
"""

import json

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from apps.projects.access import ProjectAccessMixin

from . import selectors
from .downloads import document_file_response
from .models import GeneratedDocument
from .registry import document_kinds, kind_label

PAGE_SIZE = 50


class ProjectDocumentListView(ProjectAccessMixin, TemplateView):
    """Every document generated for the project that the user may see: who asked, when, its state."""

    template_name = "documents/document_list.html"

    def get_context_data(self, **kwargs):
        documents = list(selectors.document_list(user=self.request.user, project=self.project)[:PAGE_SIZE])
        for document in documents:
            document.kind_label = kind_label(document.kind)
        offered = [
            (kind.label, reverse(kind.request_url, args=[self.project.slug]))
            for kind in document_kinds()
            if kind.request_url and kind.permission in self.project_perms
        ]
        return super().get_context_data(documents=documents, offered=offered, **kwargs)


class _DocumentMixin:
    """Finds the document among those the user may see (404 otherwise)."""

    def get_document(self) -> GeneratedDocument:
        document = selectors.document_get(
            user=self.request.user, pk=self.kwargs["pk"], project=getattr(self, "project", None)
        )
        if document is None:
            raise Http404("No such document.")
        document.kind_label = kind_label(document.kind)
        return document


class _DocumentDetail(_DocumentMixin):
    template_name = "documents/document_detail.html"

    def get(self, request, *args, **kwargs):
        document = self.get_document()
        if request.htmx and request.GET.get("progress"):
            if document.is_finished:
                return HttpResponse(headers={"HX-Refresh": "true"})
            return TemplateResponse(request, "documents/partials/progress.html", {"document": document})
        return TemplateResponse(request, self.template_name, self.get_context_data(document=document))


class _DocumentDownload(_DocumentMixin):
    def get(self, request, *args, **kwargs):
        return document_file_response(self.get_document())


class _ManifestDownload(_DocumentMixin):
    def get(self, request, *args, **kwargs):
        document = self.get_document()
        if document.manifest is None:
            raise Http404("This document carries no manifest.")
        response = HttpResponse(
            json.dumps(document.manifest, indent=2, ensure_ascii=False), content_type="application/json"
        )
        stem = document.filename.rsplit(".", 1)[0] or f"document-{document.pk}"
        response["Content-Disposition"] = f'attachment; filename="{stem}.manifest.json"'
        return response


class DocumentDetailView(ProjectAccessMixin, _DocumentDetail, TemplateView):
    """A project document's state: a progress bar while it is built, then its download."""


class DocumentDownloadView(ProjectAccessMixin, _DocumentDownload, View):
    pass


class ManifestDownloadView(ProjectAccessMixin, _ManifestDownload, View):
    pass


class PortfolioDocumentListView(LoginRequiredMixin, TemplateView):
    """The portfolio-wide documents the user asked for (large portfolio register PDFs)."""

    template_name = "documents/document_list.html"

    def get_context_data(self, **kwargs):
        documents = list(selectors.portfolio_document_list(user=self.request.user)[:PAGE_SIZE])
        for document in documents:
            document.kind_label = kind_label(document.kind)
        return super().get_context_data(documents=documents, **kwargs)


class PortfolioDocumentDetailView(LoginRequiredMixin, _DocumentDetail, TemplateView):
    pass


class PortfolioDocumentDownloadView(LoginRequiredMixin, _DocumentDownload, View):
    pass
