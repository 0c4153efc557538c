"""Middleware of the portal as a whole: requests answered or refused before any view sees them."""

from urllib.parse import unquote, unquote_plus

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
    """Answer 400 (the API's error shape under /api/) when the path, the query or a form field carries a NUL.

    No field of the portal holds one and PostgreSQL refuses it, so a NUL that reached
    a query (a search box, a sort key, a username checked for lockout before any form
    ran) would be a 500. JSON bodies are checked by the API's JSON parser; uploaded
    files may hold any bytes and are not looked at here.
    """

    FORM = "application/x-www-form-urlencoded"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            raise NullCharacterInRequest("The address contains a NUL character.")
        if request.method in ("POST", "PUT", "PATCH") and self._form_has_nul(request):
            raise NullCharacterInRequest("A form field contains a NUL character.")
        return self.get_response(request)

    def _form_has_nul(self, request) -> bool:
        content_type = request.content_type or ""
        if content_type == self.FORM:
            return "\x00" in unquote_plus(request.body.decode("latin-1"))
        if content_type == "multipart/form-data" and request.method == "POST":
            return any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values)
        return False
