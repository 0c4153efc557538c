"""Long register PDFs are built in the background (apps.documents): no cap, same filters and permissions."""

import io

import pytest
from pypdf import PdfReader

from apps.documents.choices import DocumentState
from apps.documents.models import GeneratedDocument
from apps.risks.exports import PDF_KIND


@pytest.fixture
def three_risks(make_risk, settings):
    settings.RISK_PDF_IMMEDIATE_LIMIT = 2
    return [make_risk(title=f"Drift number {n}", impact=n + 1, likelihood=3) for n in range(3)]


def pdf_text(document) -> str:
    with document.file.open("rb") as file:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)


def test_a_short_register_is_still_printed_in_the_request(client, project, team, make_risk, settings):
    settings.RISK_PDF_IMMEDIATE_LIMIT = 2
    make_risk(title="Only one")
    client.force_login(team["compliance"])
    response = client.get(f"/projects/{project.slug}/risks/export/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert not GeneratedDocument.objects.exists()


def test_a_long_project_register_becomes_a_document_with_the_same_filters(
    client, project, team, three_risks, django_capture_on_commit_callbacks
):
    client.force_login(team["compliance"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/projects/{project.slug}/risks/export/pdf/", {"likelihood": "3", "page": "2"})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.kind == PDF_KIND and document.project == project and document.requested_by == team["compliance"]
    assert document.params["filters"] == {"likelihood": ["3"]}  # the page number is not a filter
    document.refresh_from_db()
    assert document.state == DocumentState.DONE, document.error
    text = pdf_text(document)
    assert all(risk.code in text for risk in three_risks)
    assert f"by {team['compliance'].display_name}" in text
    page = client.get(document.get_absolute_url())
    assert b"generated in the background" in page.content  # the message of the redirect
    assert document.download_url.encode() in page.content


def test_a_long_portfolio_register_is_the_requesters_own_document(
    client, project, team, three_risks, django_capture_on_commit_callbacks
):
    client.force_login(team["compliance"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/risks/export/pdf/")
    document = GeneratedDocument.objects.get()
    assert document.project is None and response["Location"] == f"/documents/{document.pk}/"
    document.refresh_from_db()
    assert all(risk.display_code in pdf_text(document) for risk in three_risks)
    client.force_login(team["owner"])
    assert client.get(f"/documents/{document.pk}/").status_code == 404


def test_the_api_answers_202_with_the_queued_document(api_client, team, three_risks):
    api_client.force_authenticate(team["compliance"])
    response = api_client.get("/api/v1/risks/export/pdf/")
    assert response.status_code == 202
    document = GeneratedDocument.objects.get()
    assert response["Location"] == f"/api/v1/documents/{document.pk}/"
    assert response.json()["state"] == DocumentState.QUEUED and response.json()["kind"] == PDF_KIND


def test_the_register_offers_the_pdf_above_the_limit(client, project, team, three_risks):
    client.force_login(team["compliance"])
    page = client.get(f"/projects/{project.slug}/risks/").content.decode()
    assert "PDF is generated in the background" in page and "disabled" not in page.split("PDF</a>")[0][-300:]
