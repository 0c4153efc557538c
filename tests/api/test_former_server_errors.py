"""Requests the schema allows that once gave a 500: non-object JSON bodies, deep nesting,
non-numeric ids, a lost race for a unique value."""

import json

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.parsers import JSONParser

from apps.core.api.parsers import BoundedJSONParser
from apps.incidents.choices import Category, Severity
from apps.incidents.services import incident_create
from apps.projects import services as project_services
from apps.projects.models import Project
from tests.factories import UserFactory
from tests.projects.test_api import NEW_PROJECT

BODIES = ["[null, null]", '"priya"', "42", "null", "[]"]


@pytest.mark.parametrize("body", BODIES)
def test_the_token_endpoint_answers_a_non_object_body_with_a_400(api_client, db, body):
    response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("body", BODIES)
def test_a_project_scoped_write_answers_a_non_object_body_with_a_400(api_client, project, body):
    api_client.force_authenticate(project.owner)
    response = api_client.post(f"/api/v1/projects/{project.slug}/risks/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["status"] == 400


def test_a_non_numeric_import_id_is_a_404_not_a_500(api_client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.get(f"/api/v1/projects/{project.slug}/risks/imports/x%1A/")
    assert response.status_code == 404, response.content[:300]
    assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize("body", BODIES)
def test_a_view_reading_the_body_itself_answers_a_non_object_body_with_a_400(api_client, project, body):
    """The incident's risk link reads `request.data.get("risk")` without a serializer: the parser refuses
    a body that is no object, for every view."""
    incident = incident_create(
        actor=project.owner,
        project=project,
        title="Churn score drift",
        severity=Severity.P2,
        category=Category.MODEL_DEGRADATION,
    )
    api_client.force_authenticate(project.owner)
    response = api_client.post(
        f"/api/v1/projects/{project.slug}/incidents/{incident.code}/risks/", body, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["fields"] == {
        "non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(json.loads(body)).__name__}."]
    }


def _api_views():
    """(route, view class, the parsers it uses) of every /api/ route, with an action's own parsers."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif route.startswith("api/") and hasattr(pattern.callback, "cls"):
                view = pattern.callback
                yield route, view.cls, view.initkwargs.get("parser_classes", view.cls.parser_classes)

    yield from walk(get_resolver().url_patterns, "")


def test_every_api_view_reads_json_with_the_bounded_parser():
    """A view naming DRF's own JSONParser 500s on a deeply nested body and lets a list body through."""
    unbounded = [
        f"{route} ({cls.__name__})"
        for route, cls, parsers in _api_views()
        for parser in parsers
        if issubclass(parser, JSONParser) and not issubclass(parser, BoundedJSONParser)
    ]
    assert unbounded == []


def test_a_deeply_nested_body_to_a_view_with_its_own_parsers_is_a_400(api_client, project):
    api_client.force_authenticate(project.owner)
    nested = "[" * 5000 + "]" * 5000
    response = api_client.post("/api/v1/checklist-templates/", nested, content_type="application/json")
    assert response.status_code == 400, response.content[:300]


def test_a_write_that_loses_a_race_for_a_unique_value_is_a_409(api_client, project, monkeypatch):
    """Two projects named alike, created at the same moment, both find the same free slug and both pass
    validation; the second insert breaks the unique constraint. Simulated here by taking the validation's
    answer away: the slug finder returns one already taken."""
    monkeypatch.setattr(project_services, "_unique_slug", lambda name: project.slug)
    monkeypatch.setattr(Project, "validate_unique", lambda self, exclude=None: None)
    api_client.force_authenticate(UserFactory(creator=True))
    response = api_client.post("/api/v1/projects/", {**NEW_PROJECT, "name": project.name}, format="json")
    assert response.status_code == 409, response.content[:300]
    assert response.json()["error"]["code"] == "conflict"
