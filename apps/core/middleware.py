"""Requests the portal refuses before any view sees them."""

from urllib.parse import unquote

from django.core.exceptions import SuspiciousOperation


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
