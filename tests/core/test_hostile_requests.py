"""Malformed, oversized and deeply nested bodies get a clear 400/413 in the portal's error shape."""

import json

import pytest
from django.test import RequestFactory

from apps.core.api.parsers import json_depth_exceeds
from apps.core.errors import server_error
from tests.factories import UserFactory

NESTED = "[" * 5000 + "]" * 5000


def _error(response, status):
    assert response.status_code == status, response.content[:300]
    body = response.json()["error"]
    assert body["status"] == status
    assert body["message"]
    return body


def test_deeply_nested_json_to_the_token_endpoint_is_a_400_without_logging_in(api_client, db):
    response = api_client.post("/api/v1/auth/token/", NESTED, content_type="application/json")
    assert "nests deeper" in _error(response, 400)["message"]


def test_deeply_nested_json_to_any_endpoint_is_a_400(api_client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.patch(f"/api/v1/projects/{project.slug}/", NESTED, content_type="application/json")
    _error(response, 400)


def test_nesting_inside_strings_does_not_count():
    assert not json_depth_exceeds(json.dumps({"note": "[" * 100}), 32)
    assert json_depth_exceeds("[" * 33 + "]" * 33, 32)
    assert not json_depth_exceeds('{"a": "\\"[[[["}', 1)


def test_a_body_over_the_size_limit_is_a_413_in_the_error_shape(api_client, project, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api_client.force_authenticate(project.owner)
    body = json.dumps({"problem_statement": "x" * 5000})
    response = api_client.patch(f"/api/v1/projects/{project.slug}/", body, content_type="application/json")
    assert _error(response, 413)["code"] == "too_large"


def test_a_form_with_too_many_fields_is_a_400_in_the_error_shape(api_client, project, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    api_client.force_authenticate(project.owner)
    fields = "&".join(f"f{i}=1" for i in range(50))
    response = api_client.patch(
        f"/api/v1/projects/{project.slug}/", fields, content_type="application/x-www-form-urlencoded"
    )
    _error(response, 400)


def test_invalid_json_and_non_numbers_are_400s(api_client, db):
    for body in ('{"username": ', '{"username": NaN}'):
        response = api_client.post("/api/v1/auth/token/", body, content_type="application/json")
        _error(response, 400)


def test_an_unknown_api_url_answers_the_error_shape(api_client, db):
    api_client.force_authenticate(UserFactory())
    assert _error(api_client.get("/api/v1/no-such-thing/"), 404)["code"] == "not_found"


@pytest.mark.parametrize("url", ["/no-such-page/", "/projects/someone-elses/"])
def test_with_debug_off_missing_pages_get_the_portals_page(client, db, settings, url):
    settings.DEBUG = False
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist, or you do not have access to it." in page
    assert "Technical details" not in page and "URLconf" not in page


def test_the_500_page_is_the_portals_own_and_the_api_gets_json(db):
    page = server_error(RequestFactory().get("/projects/"))
    assert page.status_code == 500 and "Something went wrong" in page.content.decode()
    api = server_error(RequestFactory().get("/api/v1/projects/"))
    assert json.loads(api.content)["error"]["status"] == 500
