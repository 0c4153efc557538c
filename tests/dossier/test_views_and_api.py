"""The dossier's pages and endpoint: request form, verify page (upload or paste), verify API."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.documents.models import GeneratedDocument
from apps.risks import services as risks

pytestmark = pytest.mark.django_db


def test_the_request_form_queues_the_chosen_sections_and_shows_the_status_page(client, project, officer):
    client.force_login(officer)
    form = client.get(f"/projects/{project.slug}/dossier/")
    assert b"Risk register and heat maps" in form.content and b'type="checkbox"' in form.content
    response = client.post(f"/projects/{project.slug}/dossier/", {"sections": ["risks", "gates"]})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.params == {"sections": ["summary", "gates", "risks"]}
    assert document.requested_by == officer


def test_the_documents_page_offers_the_dossier_to_those_who_may_generate_it(client, project, officer, member_of):
    client.force_login(officer)
    assert b"Generate Governance dossier" in client.get(f"/projects/{project.slug}/documents/").content
    engineer = member_of(project, "data_engineer")  # no audit permission
    client.force_login(engineer)
    assert b"Generate Governance dossier" not in client.get(f"/projects/{project.slug}/documents/").content


def test_the_verify_page_takes_an_upload_and_names_a_changed_section(client, project, officer, risk, generate):
    document = generate(officer, project)
    client.force_login(officer)
    url = f"/projects/{project.slug}/dossier/verify/"
    upload = SimpleUploadedFile("dossier.manifest.json", json.dumps(document.manifest).encode())
    page = client.post(url, {"file": upload}).content.decode()
    assert "The dossier matches the portal" in page
    risks.risk_update(actor=project.owner, risk=risk, title="Upstream schema change breaks ingestion (renamed)")
    page = client.post(url, {"text": json.dumps(document.manifest)}).content.decode()
    assert "no longer matches: 1 section changed" in page
    assert "No longer matching:</strong> Risk register and heat maps." in page


def test_the_verify_page_refuses_what_is_not_a_manifest(client, project, officer):
    client.force_login(officer)
    url = f"/projects/{project.slug}/dossier/verify/"
    assert "not valid JSON" in client.post(url, {"text": "{oops"}).content.decode()
    exe = SimpleUploadedFile("manifest.exe", b"MZ\x90\x00")
    assert "are not accepted" in client.post(url, {"file": exe}).content.decode()
    assert "Upload the manifest file or paste its text" in client.post(url, {}).content.decode()


def test_the_manifest_downloads_as_an_audited_export(client, project, officer, generate):
    from apps.audit.models import SecurityEvent

    document = generate(officer, project, sections=["members"])
    client.force_login(officer)
    response = client.get(document.manifest_url)
    assert response.json() == document.manifest
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, project_id=project.pk).count() == 1


def test_the_verify_api_answers_which_sections_changed(api_client, project, officer, risk, generate):
    document = generate(officer, project, sections=["risks", "members"])
    api_client.force_authenticate(officer)
    url = f"/api/v1/projects/{project.slug}/dossier/verify/"
    answer = api_client.post(url, {"manifest": document.manifest}, format="json").json()
    assert answer["ok"] is True and answer["changed"] == []
    risks.risk_update(actor=project.owner, risk=risk, mitigation="Contract tests")
    answer = api_client.post(url, {"manifest": document.manifest}, format="json").json()
    assert answer["ok"] is False and answer["changed"] == ["risks"]
    refused = api_client.post(url, {"manifest": {"format": "nope"}}, format="json")
    assert refused.status_code == 400 and "error" in refused.json()


def test_a_retired_projects_dossier_can_still_be_generated_and_verified(client, project, officer, generate):
    from apps.projects.services import project_retire

    project_retire(actor=project.owner, project=project, reason="Model decommissioned")
    client.force_login(officer)
    response = client.post(f"/projects/{project.slug}/dossier/", {"sections": ["members"]})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and document.project == project
    built = generate(officer, project, sections=["members"])
    page = client.post(f"/projects/{project.slug}/dossier/verify/", {"text": json.dumps(built.manifest)})
    assert "The dossier matches the portal" in page.content.decode()
