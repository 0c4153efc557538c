"""Document pages and endpoints: the status page polls until the file is ready, downloads are audited
exports, the API queues a request with 202, lists cost a constant number of queries."""

import pytest

from apps.audit.models import SecurityEvent
from apps.documents import services
from apps.documents.choices import DocumentState
from tests.documents.conftest import ECHO

pytestmark = pytest.mark.django_db


def _built(project, **params):
    document = services.document_request(actor=project.owner, project=project, kind=ECHO, params=params)
    return services.document_build(document_id=document.pk)


def test_the_status_page_polls_while_queued_and_refreshes_when_done(client, project):
    document = services.document_request(actor=project.owner, project=project, kind=ECHO, params={})
    client.force_login(project.owner)
    page = client.get(document.get_absolute_url())
    assert b'hx-trigger="every 1s"' in page.content and b"Waiting for a worker" in page.content
    partial = client.get(f"{document.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert b"<progress" in partial.content and b"<html" not in partial.content
    services.document_build(document_id=document.pk)
    done = client.get(f"{document.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    page = client.get(document.get_absolute_url())
    document.refresh_from_db()
    assert b"every 1s" not in page.content and document.sha256.encode() in page.content


def test_a_download_is_the_stored_file_and_an_audited_export(client, project):
    document = _built(project, word="kept")
    client.force_login(project.owner)
    response = client.get(document.download_url)
    assert b"".join(response.streaming_content) == f"echo {project.name} kept".encode()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.project_id == project.pk and event.detail["what"] == "echo.txt"
    manifest = client.get(document.manifest_url)
    assert manifest.json() == {"word": "kept"}


def test_the_list_page_names_who_generated_what(client, project, django_assert_max_num_queries):
    client.force_login(project.owner)
    _built(project)
    with django_assert_max_num_queries(12) as few:
        client.get(f"/projects/{project.slug}/documents/")
    for _ in range(5):
        _built(project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/projects/{project.slug}/documents/")
    assert response.content.count(project.owner.display_name.encode()) >= 6
    assert response.content.count(b"Download") >= 6


def test_the_api_queues_a_request_and_answers_202(api_client, project, django_capture_on_commit_callbacks):
    api_client.force_authenticate(project.owner)
    url = f"/api/v1/projects/{project.slug}/documents/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(url, {"kind": ECHO, "params": {"word": "api"}}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["state"] == DocumentState.QUEUED
    detail = api_client.get(f"{url}{response.json()['id']}/").json()
    assert detail["state"] == DocumentState.DONE and detail["download_url"].endswith("/download/")
    assert api_client.get(detail["download_url"]).getvalue() == f"echo {project.name} api".encode()


def test_the_api_refuses_bad_params_in_the_error_shape(api_client, project):
    api_client.force_authenticate(project.owner)
    url = f"/api/v1/projects/{project.slug}/documents/"
    response = api_client.post(url, {"kind": ECHO, "params": {"word": "x" * 30}}, format="json")
    assert response.status_code == 400 and "error" in response.json()
    response = api_client.post(url, {"kind": "nope"}, format="json")
    assert response.status_code == 400 and "error" in response.json()


def test_the_api_list_costs_a_constant_number_of_queries(api_client, project, django_assert_max_num_queries):
    api_client.force_authenticate(project.owner)
    _built(project)
    url = f"/api/v1/projects/{project.slug}/documents/"
    with django_assert_max_num_queries(12) as few:
        api_client.get(url)
    for _ in range(5):
        _built(project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(url).json()) == 6


def test_portfolio_documents_belong_to_their_requester(client, project, outsider):
    document = services.document_request(actor=outsider, project=None, kind=ECHO, params={"word": "own"})
    services.document_build(document_id=document.pk)
    client.force_login(project.owner)
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404
    client.force_login(outsider)
    assert client.get("/documents/").status_code == 200
    response = client.get(f"/documents/{document.pk}/download/")
    assert b"".join(response.streaming_content) == b"echo portfolio own"
