"""One error body for every API failure.

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

`fields` appears only for validation errors; `message` is always a sentence a
person can read.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(fields) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            message = _first_message(value)
            if message:
                return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    return fields if isinstance(fields, str) else ""


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The request body is larger than the portal accepts."


class WriteConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Another request changed the same records at the same moment: reload and try again."


def error_response(status_code: int, code: str, message: str) -> JsonResponse:
    """The error shape outside DRF views (Django's 400/404/500 handlers under /api/)."""
    return JsonResponse({"error": {"status": status_code, "code": code, "message": message}}, status=status_code)


def portal_exception_handler(exc, context):
    """DRF exception handler that wraps every error in the portal's shape."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many fields or files, malformed multipart...
        exc = exceptions.ParseError(str(exc) or "The request could not be read.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, IntegrityError):
        # Services validate before they write (full_clean); a constraint that still fails lost a race with
        # a concurrent write (two projects named alike created at once take the same free slug).
        exc = WriteConflict()

    response = exception_handler(exc, context)
    if response is None:
        return None

    body = {"status": response.status_code, "code": "error", "message": ""}
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        body.update(code="invalid", message=_first_message(fields) or "Invalid input.", fields=fields)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body.update(code=codes if isinstance(codes, str) else "error", message=str(exc.detail))
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body["message"] = "Not found."
    response.data = {"error": body}
    return response
