"""Roles x actions on a project, through the browser UI and the API.

The expected matrix is written out here on purpose (not read from roles.py):
it is the policy the portal promises, and a change to the role table must be
matched by a change to this test.
"""

import pytest
from django.urls import reverse

from apps.projects.choices import Role
from apps.projects.models import Membership, Project
from tests.factories import ProjectFactory, UserFactory, add_member, auditor_user

VIEW, CHANGE, MANAGE, DELETE, AUDIT = "view", "change", "manage_members", "delete", "read_audit"
ACTIONS = [VIEW, CHANGE, MANAGE, DELETE, AUDIT]

EXPECTED = {
    Role.EXECUTIVE_SPONSOR: {VIEW, AUDIT},
    Role.PRODUCT_OWNER: {VIEW, CHANGE, MANAGE, DELETE, AUDIT},
    Role.PRODUCT_MANAGER: {VIEW, CHANGE, AUDIT},
    Role.DATA_SCIENTIST: {VIEW},
    Role.DATA_ENGINEER: {VIEW},
    Role.MLOPS_ENGINEER: {VIEW},
    Role.DOMAIN_SME: {VIEW},
    Role.QA_ENGINEER: {VIEW},
    Role.COMPLIANCE_OFFICER: {VIEW, AUDIT},
    Role.ETHICS_REVIEWER: {VIEW, AUDIT},
}


def edit_form_data(project, **changes):
    data = {
        "name": project.name,
        "problem_statement": project.problem_statement,
        "use_case": project.use_case,
        "objective": project.objective,
        "latency_class": project.latency_class,
        "primary_metric": project.primary_metric,
        "guardrail_metrics": "\n".join(project.guardrail_metrics),
        "minimum_threshold": project.minimum_threshold,
        "baseline_description": "",
        "baseline_metrics": "",
        "business_kpis": "",
        "annual_benefit": "480000",
        "annual_cost": "300000",
        "initial_investment": "150000",
        "current_stage": project.current_stage,
        "status": project.status,
    }
    data.update(changes)
    return data


def ui_attempt(client, action, project, newcomer):
    """Perform `action` through the UI; return (allowed, status)."""
    slug = project.slug
    if action == VIEW:
        response = client.get(reverse("projects:project-detail", args=[slug]))
        return response.status_code == 200, response.status_code
    if action == CHANGE:
        response = client.post(reverse("projects:project-update", args=[slug]), edit_form_data(project, name="Renamed"))
        return response.status_code == 302 and Project.objects.get(
            pk=project.pk
        ).name == "Renamed", response.status_code
    if action == MANAGE:
        response = client.post(
            reverse("projects:member-list", args=[slug]), {"user": newcomer.pk, "role": Role.DOMAIN_SME}
        )
        added = Membership.objects.filter(project=project, user=newcomer).exists()
        return response.status_code == 302 and added, response.status_code
    if action == DELETE:
        response = client.post(reverse("projects:project-delete", args=[slug]), {"confirm_name": project.name})
        return response.status_code == 302 and not Project.objects.filter(pk=project.pk).exists(), response.status_code
    response = client.get(reverse("audit:project-auditentry-list", args=[slug]))
    return response.status_code == 200, response.status_code


def api_attempt(client, action, project, newcomer):
    """Perform `action` through the API; return (allowed, status)."""
    url = f"/api/v1/projects/{project.slug}/"
    if action == VIEW:
        response = client.get(url)
        return response.status_code == 200, response.status_code
    if action == CHANGE:
        response = client.patch(url, {"name": "Renamed"}, format="json")
        return response.status_code == 200, response.status_code
    if action == MANAGE:
        response = client.post(f"{url}members/", {"user": newcomer.pk, "role": Role.DOMAIN_SME}, format="json")
        return response.status_code == 201, response.status_code
    if action == DELETE:
        response = client.delete(url)
        return response.status_code == 204, response.status_code
    response = client.get("/api/v1/audit-entries/", {"project": project.slug})
    visible = response.status_code == 200 and response.json()["count"] > 0
    return visible, response.status_code


@pytest.fixture
def setup(db):
    project = ProjectFactory()
    return project, UserFactory()


def person_with_role(project, role):
    if role == Role.PRODUCT_OWNER:
        return project.owner
    user = UserFactory()
    add_member(project, user, role)
    return user


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_action_matrix_in_the_ui(client, setup, role, action):
    project, newcomer = setup
    client.force_login(person_with_role(project, role))
    allowed, status = ui_attempt(client, action, project, newcomer)
    assert allowed is (action in EXPECTED[role]), f"{role} {action}: HTTP {status}"
    if not allowed:
        assert status == 403


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_action_matrix_in_the_api(api_client, setup, role, action):
    project, newcomer = setup
    api_client.force_authenticate(person_with_role(project, role))
    allowed, status = api_attempt(api_client, action, project, newcomer)
    assert allowed is (action in EXPECTED[role]), f"{role} {action}: HTTP {status}"
    if not allowed and action != AUDIT:
        assert status == 403  # the audit list filters instead of refusing


@pytest.mark.parametrize("action", ACTIONS)
def test_outsider_gets_404_for_every_project_action_in_ui_and_api(client, api_client, setup, action):
    project, newcomer = setup
    outsider = UserFactory()
    client.force_login(outsider)
    api_client.force_authenticate(outsider)
    assert ui_attempt(client, action, project, newcomer) == (False, 404)
    if action == AUDIT:
        assert api_attempt(api_client, action, project, newcomer)[0] is False
    else:
        assert api_attempt(api_client, action, project, newcomer) == (False, 404)
    assert Project.objects.filter(pk=project.pk, name=project.name).exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_compliance_auditor_reads_every_project_but_writes_are_403(client, api_client, setup, action):
    project, newcomer = setup
    auditor = auditor_user()
    client.force_login(auditor)
    api_client.force_authenticate(auditor)
    may = action in {VIEW, AUDIT}
    ui_allowed, ui_status = ui_attempt(client, action, project, newcomer)
    api_allowed, api_status = api_attempt(api_client, action, project, newcomer)
    assert (ui_allowed, api_allowed) == (may, may)
    if not may:
        assert (ui_status, api_status) == (403, 403)


def test_hidden_projects_never_appear_in_lists_or_counts(client, api_client, db):
    mine, theirs = ProjectFactory(name="Mine"), ProjectFactory(name="Secret fraud model")
    user = UserFactory()
    add_member(mine, user, Role.QA_ENGINEER)
    client.force_login(user)
    page = client.get(reverse("projects:project-list")).content.decode()
    assert "Mine" in page and "Secret fraud model" not in page
    assert "1 project you can see" in page
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/projects/", {"q": "Secret"}).json()
    assert body["count"] == 0
    assert [p["slug"] for p in api_client.get("/api/v1/projects/").json()["results"]] == [mine.slug]
    assert theirs.slug not in client.get(reverse("audit:auditentry-list")).content.decode()


def test_anonymous_visitors_are_sent_to_login_and_the_api_answers_401(client, api_client, project):
    response = client.get(reverse("projects:project-detail", args=[project.slug]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = api_client.get(f"/api/v1/projects/{project.slug}/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
