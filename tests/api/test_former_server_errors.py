"""Requests the schema allows that once gave a 500: non-object JSON bodies, non-numeric ids."""

import pytest

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
