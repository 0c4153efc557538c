"""What the OpenAPI schema declares: the error shape and statuses, pages, nullable and blank fields.

tests/api/test_schema_conformance.py checks the API against the schema with generated requests;
these tests pin the declarations themselves, so a regression names its cause.
"""

import importlib
import inspect
import re
from collections import defaultdict

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.plumbing import load_enum_name_overrides
from drf_spectacular.settings import patched_settings
from rest_framework import serializers

from apps.incidents.choices import MANUAL_ENTRY_CHOICES, EntryKind

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operation(openapi, path, method):
    return openapi["paths"][f"/api/v1/{path}"][method]


def _error_statuses(operation):
    return {
        status
        for status, response in operation["responses"].items()
        if status >= "400" and response["content"]["application/json"]["schema"] == ERROR_REF
    }


def test_the_error_component_is_the_error_handlers_shape(openapi):
    error = openapi["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = error["properties"]["error"]
    assert body["required"] == ["status", "code", "message"]
    assert set(body["properties"]) == {"status", "code", "message", "fields"}


def test_a_project_scoped_write_documents_every_error_it_can_answer(openapi):
    operation = _operation(openapi, "projects/{project_slug}/risks/", "post")
    assert _error_statuses(operation) == {"400", "401", "403", "404", "409", "413", "415", "429"}


def test_a_read_of_one_record_documents_no_400_and_no_body_errors(openapi):
    operation = _operation(openapi, "projects/{project_slug}/risks/{risk_code}/", "get")
    assert _error_statuses(operation) == {"401", "403", "404", "429"}


def test_signed_in_alone_is_never_a_403_and_the_token_endpoint_needs_no_sign_in(openapi):
    assert "403" not in _operation(openapi, "me/", "get")["responses"]
    token = _operation(openapi, "auth/token/", "post")
    assert "401" not in token["responses"]
    assert {"400", "429"} <= _error_statuses(token)


def test_a_status_a_view_declares_gets_the_error_body(openapi):
    assert "409" in _error_statuses(_operation(openapi, "projects/{project_slug}/", "delete"))


def test_every_error_response_of_every_operation_has_the_error_body(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status >= "400":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == ERROR_REF, f"{method.upper()} {path} {status}"


def _success_schema(operation):
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return response


def test_only_operations_that_paginate_document_a_page(openapi):
    assert _success_schema(_operation(openapi, "projects/{project_slug}/risks/", "get"))["$ref"].endswith(
        "/PaginatedRiskList"
    )
    # An action answering many records without paginating them: a bare list.
    for path, method in [
        ("projects/{project_slug}/gates/", "get"),
        ("projects/{project_slug}/checklists/apply-defaults/", "post"),
        ("projects/{project_slug}/checklists/{checklist_id}/items/{item_key}/evidence/", "get"),
        ("notifications/preferences/", "get"),
    ]:
        assert _success_schema(_operation(openapi, path, method))["type"] == "array", path


def test_a_link_that_may_be_blank_is_a_uri_or_empty(openapi):
    link = openapi["components"]["schemas"]["ProjectDeliverable"]["properties"]["link"]
    assert "format" not in link
    assert link["anyOf"] == [{"format": "uri"}, {"maxLength": 0}]


def _api_serializers():
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api.serializers")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.ModelSerializer) and cls.__module__ == module.__name__:
                yield cls


def test_a_nested_record_over_a_nullable_relation_is_declared_nullable():
    """A user or version that may be missing answers null: the field must say allow_null=True."""
    undeclared = []
    for cls in _api_serializers():
        model = cls.Meta.model
        for name, field in cls().fields.items():
            if not isinstance(field, serializers.Serializer) or field.source == "*":
                continue
            relation = model._meta.get_field(field.source.split(".")[0])
            if relation.null and not field.allow_null:
                undeclared.append(f"{cls.__name__}.{name}")
    assert undeclared == []


def test_a_filter_naming_a_project_you_cannot_see_documents_its_404(openapi):
    assert "404" in _error_statuses(_operation(openapi, "calendar/", "get"))


def test_a_response_documents_every_choice_its_model_holds_and_a_request_those_it_accepts(openapi):
    """People write notes, rollbacks and communications; the portal writes status, alert and review
    entries, which a read answers too."""
    schemas = openapi["components"]["schemas"]

    def kinds(component):
        return schemas[schemas[component]["properties"]["kind"]["allOf"][0]["$ref"].split("/")[-1]]["enum"]

    assert kinds("TimelineEntry") == [kind.value for kind in EntryKind]
    assert kinds("TimelineEntryRequest") == [value for value, _ in MANUAL_ENTRY_CHOICES]


def test_each_choice_set_of_a_field_has_its_own_enum_name():
    """drf-spectacular names a field's enum after its component without the `Request` suffix: when a
    request accepts fewer choices than the response answers, both sets would get one name and one set
    would be lost, unless ENUM_NAME_OVERRIDES names them (as for the timeline entry's kind)."""
    with patched_settings({"POSTPROCESSING_HOOKS": []}):
        raw = SchemaGenerator().get_schema(request=None, public=True)
    named = set(load_enum_name_overrides())
    choice_sets = defaultdict(set)
    for component, schema in raw["components"]["schemas"].items():
        base = re.sub(r"^Patched(.+)", r"\1", re.sub(r"(.+)Request$", r"\1", component))
        for name, field in schema.get("properties", {}).items():
            field = field.get("items", field)
            if "x-spec-enum-id" in field:
                choice_sets[base, name].add(field["x-spec-enum-id"])
    sharing_a_name = [key for key, hashes in choice_sets.items() if len(hashes) > 1 and not hashes <= named]
    assert sharing_a_name == []


def _path_parameter_patterns(openapi):
    """Each path parameter's pattern, by path: {"/api/v1/projects/{project_slug}/models/{model_key}/": {...}}."""
    patterns = {}
    for path, operations in openapi["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    schema = parameter["schema"]
                    patterns.setdefault(path, {})[parameter["name"]] = (
                        r"^\d+$" if schema.get("type") == "integer" else schema.get("pattern", r"^.+$")
                    )
    return patterns


def test_no_path_parameter_accepts_the_literal_segment_of_a_sibling_route(openapi):
    """`models/{model_key}/` must not accept "import": GET models/import/ would reach the import route's 405."""
    patterns = _path_parameter_patterns(openapi)
    paths = list(openapi["paths"])
    clashes = []
    for path, parameters in patterns.items():
        for name, pattern in parameters.items():
            prefix, _, rest = path.partition("{" + name + "}")
            for sibling in paths:
                if not sibling.startswith(prefix) or sibling == path:
                    continue
                segment, _, sibling_rest = sibling[len(prefix) :].partition("/")
                if segment and "{" not in segment and sibling_rest == rest.lstrip("/") and re.search(pattern, segment):
                    clashes.append(f"{path}: {name}={segment!r} is {sibling}")
    assert clashes == []
