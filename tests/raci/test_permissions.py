"""Who may read and change a RACI matrix (kept in one file to move onto tests/permission_suite.py)."""

import pytest
from django.urls import reverse

from apps.projects.choices import Role

from .conftest import activity

READ_PAGES = ["raci:matrix", "raci:by-role", "raci:by-person"]
READ_API = ["", "activities/", "violations/", "by-role/", "by-person/"]


def _api(project, path=""):
    return f"/api/v1/projects/{project.slug}/raci/{path}"


def _writes(project, matrix):
    """(method, url, data) of every browser write."""
    gate = activity(matrix, "gate:scoping")
    return [
        ("post", reverse("raci:cell", args=[project.slug, gate.pk, Role.QA_ENGINEER]), {"letters": "I"}),
        ("post", reverse("raci:activity-create", args=[project.slug]), {"name": "X", "stage": "scoping"}),
        ("post", reverse("raci:submit", args=[project.slug]), {"due_on": "2099-01-01"}),
        ("post", reverse("raci:matrix-setup", args=[project.slug]), {}),
        ("get", reverse("raci:import", args=[project.slug]), {}),
    ]


def _api_writes(project, matrix):
    gate = activity(matrix, "gate:scoping")
    return [
        ("put", _api(project, f"activities/{gate.pk}/cells/"), {"role": Role.QA_ENGINEER, "letters": "I"}),
        ("post", _api(project, "activities/"), {"name": "X", "stage": "scoping"}),
        ("post", _api(project, "submit/"), {}),
        ("post", _api(project, "setup/"), {}),
    ]


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_people_outside_the_project_cannot_see_the_matrix(client, api_client, matrix, staffed_project, outsider, who):
    if who == "outsider":
        client.force_login(outsider)
        api_client.force_authenticate(outsider)
    for name in READ_PAGES:
        response = client.get(reverse(name, args=[staffed_project.slug]))
        assert response.status_code == (404 if who == "outsider" else 302)
    for path in READ_API:
        assert api_client.get(_api(staffed_project, path)).status_code == (404 if who == "outsider" else 401)
    for method, url, data in _writes(staffed_project, matrix):
        assert getattr(client, method)(url, data).status_code in ((404,) if who == "outsider" else (302,))


@pytest.mark.parametrize("who", ["auditor", Role.DATA_SCIENTIST, Role.EXECUTIVE_SPONSOR])
def test_readers_read_everything_and_change_nothing(client, api_client, matrix, staffed_project, auditor, who):
    user = auditor if who == "auditor" else staffed_project.people[who]
    client.force_login(user)
    api_client.force_authenticate(user)
    for name in READ_PAGES:
        assert client.get(reverse(name, args=[staffed_project.slug])).status_code == 200
    for path in READ_API:
        assert api_client.get(_api(staffed_project, path)).status_code == 200
    assert client.get(reverse("raci:export", args=[staffed_project.slug, "pdf"])).status_code == 200
    for method, url, data in _writes(staffed_project, matrix):
        assert getattr(client, method)(url, data).status_code == 403, url
    for method, url, data in _api_writes(staffed_project, matrix):
        response = getattr(api_client, method)(url, data, format="json")
        assert response.status_code == 403 and "error" in response.json(), url


@pytest.mark.parametrize("role", [Role.PRODUCT_OWNER, Role.PRODUCT_MANAGER])
def test_product_owner_and_manager_change_the_matrix(api_client, matrix, staffed_project, member_of, role):
    user = staffed_project.owner if role == Role.PRODUCT_OWNER else member_of(staffed_project, role)
    api_client.force_authenticate(user)
    method, url, data = _api_writes(staffed_project, matrix)[0]
    assert api_client.put(url, data, format="json").status_code == 200
