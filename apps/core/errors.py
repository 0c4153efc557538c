"""The portal's 400, 404 and 500 answers: its own pages, or the API's error shape under /api/.

Never Django's debug or default pages: with DEBUG off an outsider sees the
portal's page, and an API client always gets `{"error": {...}}`.
"""

from django.core.exceptions import RequestDataTooBig
from django.views import defaults

from apps.core.api.errors import error_response


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        if _api(request):
            return error_response(413, "too_large", "The request body is larger than the portal accepts.")
        return defaults.bad_request(request, exception, template_name="413.html")
    if _api(request):
        return error_response(400, "invalid", str(exception) or "The request could not be read.")
    return defaults.bad_request(request, exception)


def page_not_found(request, exception=None):
    if _api(request):
        return error_response(404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _api(request):
        return error_response(500, "server_error", "The portal hit an error; it has been logged.")
    return defaults.server_error(request)
