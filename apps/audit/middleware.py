"""Couples audit entries to the person behind the request."""

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
