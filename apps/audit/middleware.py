"""Couples audit entries to the person behind the request."""

import re

from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the actor resolved when the entry is written.

    DRF authenticates token requests inside the view, after middleware has run;
    resolving `request.user` lazily makes API writes carry their actor too.
    """

    @staticmethod
    def _get_actor(request):
        def resolve():
            user = getattr(request, "user", None)
            return user if user is not None and user.is_authenticated else None

        return SimpleLazyObject(resolve)


_FILENAME = re.compile(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)"?')


class ExportAuditMiddleware:
    """Every file the portal hands out as an attachment (CSV, XLSX, PDF, certificates, evidence) is an export:
    who, what, from which page and with which filters lands in the audit trail as a security event.

    One place for every app: an export view needs no code of its own to be audited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if response.status_code == 200 and disposition.startswith("attachment") and user and user.is_authenticated:
            from apps.projects.models import Project

            from .security import export_record

            match = _FILENAME.search(disposition)
            slug = getattr(request.resolver_match, "kwargs", {}).get("project_slug")
            project = Project.objects.filter(slug=slug).only("pk").first() if slug else None
            export_record(request=request, what=match.group(1) if match else request.path, project=project)
        return response
