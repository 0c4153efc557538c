"""Who may read and write model cards: outsiders 404, auditors read-only, members by permission, anonymous to login.

Kept in one file so that it moves onto the platform's permission suite in one step.
"""

import pytest

from apps.modelcards.models import CardRevision

from .paths import api_url, page_urls, write_urls

pytestmark = pytest.mark.django_db


def test_outsider_gets_404_for_pages_and_api(client, api_client, project, imported, outsider):
    client.force_login(outsider)
    for url in [*page_urls(project).values(), *write_urls(project)]:
        assert client.get(url).status_code == 404, url
    api_client.force_authenticate(outsider)
    for path in [
        "",
        "customer_churn_predictor/",
        "customer_churn_predictor/card/",
        "customer_churn_predictor/revisions/",
    ]:
        assert api_client.get(api_url(project, path)).status_code == 404
    response = api_client.post(api_url(project, "import/"), {"text": "x"}, format="json")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404


def test_auditor_reads_but_every_write_answers_403(client, api_client, project, imported, auditor, seed_yaml):
    client.force_login(auditor)
    for url in page_urls(project).values():
        assert client.get(url).status_code == 200, url
    for url in write_urls(project):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    api_client.force_authenticate(auditor)
    assert api_client.get(api_url(project, "customer_churn_predictor/card/")).status_code == 200
    writes = [
        ("post", "", {"name": "Other"}),
        ("patch", "customer_churn_predictor/", {"promoted_version": "2.1.0"}),
        ("post", "customer_churn_predictor/revisions/", {"content": imported.content}),
        ("post", "customer_churn_predictor/revisions/1/submit/", {}),
        ("post", "import/", {"text": seed_yaml}),
    ]
    for method, path, body in writes:
        response = getattr(api_client, method)(api_url(project, path), body, format="json")
        assert response.status_code == 403, path
        assert response.json()["error"]["status"] == 403
    assert CardRevision.objects.count() == 1


def test_members_without_the_model_card_permission_cannot_write(client, project, team, imported):
    client.force_login(team["sponsor"])
    assert client.get(page_urls(project)["card"]).status_code == 200
    for url in write_urls(project):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_go_to_login_and_the_api_answers_401(client, api_client, project, imported):
    response = client.get(page_urls(project)["card"])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_client.get(api_url(project)).status_code == 401
