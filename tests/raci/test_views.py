import pytest
from django.urls import reverse

from apps.projects.choices import Role
from apps.raci import services
from apps.raci.models import RaciAssignment
from apps.raci.selectors import grid_build

from .conftest import activity


def _login(client, user):
    client.force_login(user)


def _cell_url(project, act, role):
    return reverse("raci:cell", args=[project.slug, act.pk, role])


def test_grid_shows_every_activity_with_its_letters(client, matrix, staffed_project):
    _login(client, staffed_project.owner)
    page = client.get(reverse("raci:matrix", args=[staffed_project.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="raci-select') == 37 * 10
    assert "Evaluation gate" in html and "Every activity follows the rules" in html


def test_a_member_without_manage_raci_sees_letters_not_selects(client, matrix, staffed_project):
    _login(client, staffed_project.people[Role.DATA_SCIENTIST])
    html = client.get(reverse("raci:matrix", args=[staffed_project.slug])).content.decode()
    assert "raci-select" not in html and 'class="raci-letters raci-l-R' in html


def test_htmx_cell_edit_answers_the_cell_and_the_refreshed_violation_list(client, matrix, staffed_project):
    _login(client, staffed_project.owner)
    gate = activity(matrix, "gate:evaluation")
    response = client.post(
        _cell_url(staffed_project, gate, Role.PRODUCT_OWNER), {"letters": ""}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="raci-violations"' in html and 'hx-swap-oob="true"' in html
    assert "No role is Accountable" in html


def test_two_accountables_are_refused_in_the_grid(client, matrix, staffed_project):
    _login(client, staffed_project.owner)
    gate = activity(matrix, "gate:evaluation")
    response = client.post(_cell_url(staffed_project, gate, Role.QA_ENGINEER), {"letters": "A"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "can have only one Accountable role" in html and "Not saved" in html
    assert list(RaciAssignment.objects.filter(activity=gate, letter="A").values_list("role", flat=True)) == [
        Role.PRODUCT_OWNER
    ]


def test_two_accountables_are_refused_in_the_api(api_client, matrix, staffed_project):
    api_client.force_authenticate(staffed_project.owner)
    gate = activity(matrix, "gate:evaluation")
    url = f"/api/v1/projects/{staffed_project.slug}/raci/activities/{gate.pk}/cells/"
    response = api_client.put(url, {"role": Role.QA_ENGINEER, "letters": "RA"}, format="json")
    assert response.status_code == 400
    assert "only one Accountable" in response.json()["error"]["message"]
    assert RaciAssignment.objects.filter(activity=gate, letter="A").count() == 1


def test_api_sets_a_cell_and_reports_violations(api_client, matrix, staffed_project):
    api_client.force_authenticate(staffed_project.owner)
    gate = activity(matrix, "gate:evaluation")
    url = f"/api/v1/projects/{staffed_project.slug}/raci/activities/{gate.pk}/cells/"
    body = api_client.put(url, {"role": Role.PRODUCT_OWNER, "letters": "C"}, format="json").json()
    assert body["cells"][Role.PRODUCT_OWNER] == "C" and body["accountable"] is None
    violations = api_client.get(f"/api/v1/projects/{staffed_project.slug}/raci/violations/").json()
    assert violations == [
        {"id": gate.pk, "name": "Evaluation gate", "violations": ["No role is Accountable: mark exactly one role A."]}
    ]


def test_team_activity_lifecycle_through_the_api(api_client, matrix, staffed_project):
    api_client.force_authenticate(staffed_project.owner)
    base = f"/api/v1/projects/{staffed_project.slug}/raci/activities/"
    created = api_client.post(
        base,
        {"name": "Red-team review", "stage": "evaluation", "cells": {"qa_engineer": "R", "product_owner": "A"}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["key"].startswith("custom:") and created.json()["violations"] == []
    pk = created.json()["id"]
    assert api_client.patch(f"{base}{pk}/", {"name": "Red-team exercise"}, format="json").json()["name"] == (
        "Red-team exercise"
    )
    assert api_client.delete(f"{base}{pk}/").status_code == 204
    gate = activity(matrix, "gate:scoping")
    refused = api_client.delete(f"{base}{gate.pk}/")
    assert refused.status_code == 400 and "cannot be removed" in refused.json()["error"]["message"]


@pytest.mark.parametrize("extra", [0, 40])
def test_grid_and_list_endpoints_keep_their_query_count(
    client, api_client, matrix, staffed_project, django_assert_max_num_queries, extra
):
    for n in range(extra):
        services.raci_activity_create(
            actor=staffed_project.owner,
            matrix=matrix,
            name=f"Activity {n}",
            stage="scoping",
            cells={"qa_engineer": "RA"},
        )
    _login(client, staffed_project.owner)
    api_client.force_authenticate(staffed_project.owner)
    assert len(grid_build(matrix=matrix).rows) == 37 + extra
    with django_assert_max_num_queries(16):
        assert client.get(reverse("raci:matrix", args=[staffed_project.slug])).status_code == 200
    for path in ("", "activities/", "violations/", "by-role/", "by-person/"):
        with django_assert_max_num_queries(10):
            assert api_client.get(f"/api/v1/projects/{staffed_project.slug}/raci/{path}").status_code == 200
    for name in ("raci:by-role", "raci:by-person"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name, args=[staffed_project.slug])).status_code == 200
