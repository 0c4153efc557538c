import re

import pytest

from apps.projects.choices import Role
from apps.projects.models import Membership
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

NEW_PROJECT = {
    "name": "Fraud screening",
    "problem_statement": "Card fraud is caught days late.",
    "use_case": "classification",
    "objective": "predictive",
    "latency_class": "real_time",
    "primary_metric": "Recall at 1% FPR",
    "guardrail_metrics": ["False-positive rate ≤ 1%"],
    "minimum_threshold": "Recall ≥ 0.6",
    "annual_benefit": "480000",
    "annual_cost": "300000",
    "initial_investment": "150000",
}


def test_token_login_then_create_a_project_and_become_its_owner(api_client, db):
    user = UserFactory(creator=True)
    token = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.post("/api/v1/projects/", NEW_PROJECT, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "fraud-screening"
    assert (body["roi"], body["payback_months"]) == ("0.6000", "10.0")
    assert Membership.objects.get(project__slug="fraud-screening").user == user


def test_people_outside_project_creators_get_403_with_a_reason(api_client, db):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/v1/projects/", NEW_PROJECT, format="json")
    assert response.status_code == 403
    assert "Project Creators" in response.json()["error"]["message"]


def test_validation_errors_share_one_body_shape(api_client, db):
    api_client.force_authenticate(UserFactory(creator=True))
    response = api_client.post(
        "/api/v1/projects/", {**NEW_PROJECT, "guardrail_metrics": [], "use_case": "astrology"}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["code"] == "invalid"
    assert set(error["fields"]) == {"guardrail_metrics", "use_case"}
    assert error["message"]


def test_not_found_and_forbidden_share_the_body_shape(api_client, project, member_of):
    api_client.force_authenticate(member_of(project, Role.QA_ENGINEER))
    assert api_client.get("/api/v1/projects/nope/").json() == {
        "error": {"status": 404, "code": "not_found", "message": "Not found."}
    }
    forbidden = api_client.delete(f"/api/v1/projects/{project.slug}/").json()["error"]
    assert forbidden["status"] == 403 and forbidden["code"] == "permission_denied"


def test_slug_cannot_change(api_client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.patch(f"/api/v1/projects/{project.slug}/", {"slug": "other"}, format="json")
    assert response.status_code == 400
    assert "slug" in response.json()["error"]["fields"]


def test_removing_the_last_product_owner_answers_400_with_the_rule(api_client, project):
    api_client.force_authenticate(project.owner)
    membership = project.memberships.get()
    response = api_client.delete(f"/api/v1/projects/{project.slug}/members/{membership.pk}/")
    assert response.status_code == 400
    assert "at least one Product Owner" in response.json()["error"]["message"]


def test_members_endpoint_lists_roles_with_people(api_client, project, member_of):
    scientist = member_of(project, Role.DATA_SCIENTIST)
    api_client.force_authenticate(scientist)
    rows = api_client.get(f"/api/v1/projects/{project.slug}/members/").json()["results"]
    assert {(row["user_detail"]["username"], row["role"]) for row in rows} == {
        (project.owner.username, Role.PRODUCT_OWNER),
        (scientist.username, Role.DATA_SCIENTIST),
    }


def test_me_endpoint(api_client, db):
    user = UserFactory(job_title="Reviewer")
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/me/").json()["job_title"] == "Reviewer"


@pytest.mark.parametrize("projects", [2, 20])
def test_project_list_endpoint_and_page_run_constant_queries(
    db, client, api_client, django_assert_max_num_queries, projects
):
    user = UserFactory()
    for _ in range(projects):
        add_member(ProjectFactory(), user, Role.DATA_SCIENTIST)
    api_client.force_authenticate(user)
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/projects/").json()["count"] == projects
    client.force_login(user)
    with django_assert_max_num_queries(12):
        assert client.get("/projects/").status_code == 200


def test_openapi_schema_describes_the_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/projects/", "/api/v1/projects/{project_slug}/members/", "/api/v1/audit-entries/"):
        assert path in schema["paths"]


def test_interactive_docs_load_only_local_assets_and_no_inline_code(client):
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), f"{url} loads something from outside"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), f"{url} has an inline script"
        assert "<style" not in page
    init_script = client.get("/api/docs/?script=")
    assert init_script.status_code == 200 and "SwaggerUIBundle" in init_script.content.decode()
