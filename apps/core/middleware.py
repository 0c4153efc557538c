"""Middleware of the portal as a whole: requests answered or refused before any view sees them."""

from urllib.parse import unquote

from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from .views import healthz


class HealthCheckMiddleware:
    """Answers /healthz/ before anything looks at the Host header or the scheme.

    Container health checks and load balancers call the portal by its container address
    (127.0.0.1, a pod IP) over plain HTTP: that Host is not in ALLOWED_HOSTS and the scheme
    would be redirected to HTTPS. Placed first in MIDDLEWARE, this answers them without
    `request.get_host()` ever running; every other path keeps Django's Host validation.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("healthz")

    def __call__(self, request):
        if request.path_info == self.path:
            return healthz(request)
        return self.get_response(request)


class NullCharacterInRequest(SuspiciousOperation):
    """A NUL character in the URL or query: no field may hold one, and PostgreSQL refuses it."""


class RejectNullCharactersMiddleware:
    """Answer 400 (the API's error shape under /api/) when the path or the query carries a NUL.

    Form fields and API serializers refuse NUL themselves; this covers what reaches
    a query without a form: search boxes, URL parameters, sort keys.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise NullCharacterInRequest("The address contains a NUL character.")
        return self.get_response(request)
