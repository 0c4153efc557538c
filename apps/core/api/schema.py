"""The OpenAPI schema's error responses, declared once for every operation.

Every API error has one body (apps/core/api/errors.py):

    {"error": {"status": 404, "code": "not_found", "message": "Not found."}}

`PortalAutoSchema` (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) adds to each operation
the error statuses it can answer, read from what the view is rather than
declared view by view, so endpoints of apps added later are covered too:

| Status | When it is documented |
|---|---|
| 400 | a write (any method but GET/HEAD/OPTIONS), or a read with query parameters (filters, sorting, pages) |
| 401 | the view authenticates (a missing, wrong or expired token) |
| 403 | the view checks permissions beyond "signed in", or it accepts session cookies on a write (CSRF) |
| 404 | the path names a record (`{slug}`, `{id}`...), or the list is paginated (a page past the end) |
| 409 | a write (a concurrent write took the same unique value first), or where a view declares it (below) |
| 413, 415 | the operation takes a request body (too large; a media type it does not parse) |
| 429 | the view is throttled (and the token endpoint's sign-in lockout) |

A status only some operations answer (409 when a project with governance records
is deleted) is declared where it happens, with `extend_schema(responses={...,
409: OpenApiResponse(description="...")})`: a declared error status without a
body gets the error body here, like the automatic ones.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.mixins import ListModelMixin
from rest_framework.permissions import AllowAny, IsAuthenticated

ERROR_COMPONENT = "Error"

ERROR_SCHEMA = {
    "type": "object",
    "description": "The body of every API error.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated.", "example": 400},
                "code": {
                    "type": "string",
                    "description": "A stable machine-readable reason: `invalid`, `not_found`, "
                    "`not_authenticated`, `permission_denied`, `throttled`, `has_governance_records`...",
                    "example": "invalid",
                },
                "message": {"type": "string", "description": "A sentence a person can read."},
                "fields": {
                    "type": "object",
                    "description": "Validation errors only: the messages of each invalid field "
                    "(a list of sentences, or the same shape again for a nested object).",
                    "additionalProperties": {},
                },
            },
            "required": ["status", "code", "message"],
        }
    },
    "required": ["error"],
}

ERROR_DESCRIPTIONS = {
    "400": "The request is invalid: `fields` says what to correct.",
    "401": "Not signed in: the token is missing, wrong, revoked or expired.",
    "403": "Signed in, but your roles do not allow this (or the project is retired and read-only).",
    "404": "Not found, or not visible to you.",
    "405": "This method is not allowed here.",
    "409": "The request conflicts with the record's current state.",
    "413": "The request body is larger than the portal accepts.",
    "415": "The request body's media type is not accepted here.",
    "429": "Too many requests: wait and try again.",
}

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _model_field(field: serializers.Field):
    """The model field a serializer field reads directly (its `source` on the serializer's model), or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


def _may_be_blank(field: serializers.CharField) -> bool:
    """Whether the field accepts "", or (read-only fields drop `allow_blank`) its model field is blank=True."""
    if field.allow_blank:
        return True
    model_field = _model_field(field)
    return model_field is not None and model_field.blank


def _with_stored_choices(field: serializers.Field) -> serializers.Field:
    """A choice field that accepts fewer values than its model field holds, answering every stored one.

    A timeline entry's kind is written by hand as a note, a rollback or a communication; the portal
    writes status, alert and review entries itself, and a read answers those too. The request
    documents the choices a client may send, the response every choice of the model field.
    """
    if not isinstance(field, serializers.ChoiceField) or isinstance(field, serializers.MultipleChoiceField):
        return field
    model_field = _model_field(field)
    if model_field is None or not model_field.choices:
        return field
    if {value for value, _ in model_field.flatchoices} <= set(field.choices):
        return field
    answered = copy.copy(field)  # the serializer keeps its field: only the documented choices change
    answered.choices = model_field.choices
    return answered


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema that documents the portal's error responses on every operation."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for status in self.error_statuses(operation):
            responses.setdefault(status, {})
        for status, response in responses.items():
            if status >= "400" and "content" not in response:
                response["description"] = response.get("description") or ERROR_DESCRIPTIONS.get(status, "")
                response["content"] = {"application/json": {"schema": self._error_component().ref}}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation) -> list[str]:
        """The error statuses this operation can answer, from what its view is (see the module docstring)."""
        view = self.view
        has_body = "requestBody" in operation
        has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", ()))
        authenticators = getattr(view, "authentication_classes", ())
        permissions = getattr(view, "permission_classes", ())
        statuses = set()
        if self.method not in SAFE_METHODS or has_query:
            statuses.add("400")
        if self.method not in SAFE_METHODS:
            statuses.add("409")
        if authenticators:
            statuses.add("401")
        # IsAuthenticated alone refuses with 401 (the token authenticator asks for credentials), never 403.
        if any(permission not in (AllowAny, IsAuthenticated) for permission in permissions) or (
            self.method not in SAFE_METHODS
            and any(issubclass(authenticator, SessionAuthentication) for authenticator in authenticators)
        ):
            statuses.add("403")
        if "{" in self.path or (self.method == "GET" and self._is_list_view() and self._get_paginator()):
            statuses.add("404")
        if has_body:
            statuses.update(("413", "415"))
        if getattr(view, "throttle_classes", ()):
            statuses.add("429")
        return sorted(statuses)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if direction == "response":
            field = _with_stored_choices(field)
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _insert_field_validators(self, field, schema):
        """A text field with a format (uri, email) that may be blank answers "", which is no URI:
        document "a URI, or empty" instead of a format the value breaks."""
        super()._insert_field_validators(field, schema)
        if "format" in schema and isinstance(field, serializers.CharField) and _may_be_blank(field):
            schema["anyOf"] = [{"format": schema.pop("format")}, {"maxLength": 0}]

    def _get_paginator(self):
        """The paginator, only where the operation really answers a page: a list, or an action that says so.

        DRF paginates `list` (and a generic view's GET); a custom action answers a bare list unless it
        declares `@action(pagination_class=...)` and paginates. drf-spectacular would wrap every
        `many=True` response of a paginated view in a page object, documenting a shape never sent.
        """
        action = getattr(self.view, "action", None)
        if action is None:
            paginates = self.method == "GET" and isinstance(self.view, ListModelMixin)
        else:
            paginates = action == "list" or "pagination_class" in vars(self.view)
        return super()._get_paginator() if paginates else None

    def _error_component(self) -> ResolvedComponent:
        component = ResolvedComponent(
            name=ERROR_COMPONENT, type=ResolvedComponent.SCHEMA, object=ERROR_COMPONENT, schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        return component
