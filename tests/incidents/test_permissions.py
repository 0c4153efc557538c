"""Who may do what on incident pages and endpoints: reads need VIEW, writes MANAGE_INCIDENTS.

Kept in one file so that it moves onto tests/permission_suite.py when that lands.
"""

import pytest
from django.urls import reverse

from apps.incidents import services
from apps.incidents.models import Incident
from apps.projects.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(make_incident):
    return make_incident()


def pages(project, incident):
    slug, code = project.slug, incident.code
    return {
        "list": reverse("incidents:incident-list", args=[slug]),
        "detail": reverse("incidents:incident-detail", args=[slug, code]),
        "api-list": f"/api/v1/projects/{slug}/incidents/",
        "api-detail": f"/api/v1/projects/{slug}/incidents/{code}/",
        "api-timeline": f"/api/v1/projects/{slug}/incidents/{code}/timeline/",
        "api-figures": f"/api/v1/projects/{slug}/incidents/figures/",
    }


def writes(project, incident):
    slug, code = project.slug, incident.code
    return [
        ("post", reverse("incidents:incident-create", args=[slug]), {"title": "x"}),
        ("post", reverse("incidents:incident-transition", args=[slug, code]), {"to": "acknowledged"}),
        ("post", reverse("incidents:timeline-add", args=[slug, code]), {"kind": "note", "text": "x"}),
        ("post", reverse("incidents:webhook", args=[slug]), {}),
        ("api", f"/api/v1/projects/{slug}/incidents/{code}/transition/", {"to": "acknowledged"}),
        ("api", f"/api/v1/projects/{slug}/incidents/{code}/timeline/", {"text": "x"}),
        ("api", f"/api/v1/projects/{slug}/incidents/", {"title": "x", "severity": "P3", "category": "data_issue"}),
    ]


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client, project, incident):
    for name, url in pages(project, incident).items():
        response = client.get(url)
        if name.startswith("api"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_outsider_gets_404_for_project_incidents(client, api_client, project, incident, outsider):
    client.force_login(outsider)
    api_client.force_authenticate(outsider)
    for name, url in pages(project, incident).items():
        response = (api_client if name.startswith("api") else client).get(url)
        assert response.status_code == 404, name
    assert api_client.get("/api/v1/incidents/").json()["count"] == 0


def test_auditor_reads_everything_and_every_write_is_403(client, api_client, project, incident, auditor):
    client.force_login(auditor)
    api_client.force_authenticate(auditor)
    for name, url in pages(project, incident).items():
        assert (api_client if name.startswith("api") else client).get(url).status_code == 200, name
    for kind, url, data in writes(project, incident):
        response = api_client.post(url, data, format="json") if kind == "api" else client.post(url, data)
        assert response.status_code == 403, url
    assert Incident.objects.count() == 1


def test_executive_sponsor_reads_but_cannot_work_incidents(client, api_client, project, incident, team):
    client.force_login(team["sponsor"])
    api_client.force_authenticate(team["sponsor"])
    assert client.get(pages(project, incident)["detail"]).status_code == 200
    for kind, url, data in writes(project, incident):
        response = api_client.post(url, data, format="json") if kind == "api" else client.post(url, data)
        assert response.status_code == 403, url


@pytest.mark.parametrize("role", [Role.DATA_SCIENTIST, Role.QA_ENGINEER, Role.ETHICS_REVIEWER, Role.PRODUCT_MANAGER])
def test_members_who_manage_incidents_work_them(api_client, project, incident, member_of, role):
    user = member_of(project, role)
    api_client.force_authenticate(user)
    url = f"/api/v1/projects/{project.slug}/incidents/{incident.code}/transition/"
    response = api_client.post(url, {"to": "acknowledged"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged"


def test_webhook_settings_never_show_an_existing_token(client, project, team):
    token = services.webhook_token_rotate(actor=team["owner"], project=project)
    client.force_login(team["owner"])
    page = client.get(reverse("incidents:webhook", args=[project.slug])).content.decode()
    assert token not in page and token[-4:] in page
    fresh = client.post(reverse("incidents:webhook", args=[project.slug])).content.decode()
    assert "copy it now" in fresh
