"""Evidence files: type and size limits, stored through Django's storage, served only to the project."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.checklists.models import Evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _api(checklist, key="ck-01-check"):
    return f"/api/v1/projects/{checklist.project.slug}/checklists/{checklist.pk}/items/{key}/evidence/"


def test_a_pdf_upload_is_stored_and_downloadable_by_members_only(api_client, client, checklist, team, outsider):
    api_client.force_authenticate(team["ds"])
    response = api_client.post(
        _api(checklist), {"kind": "file", "file": SimpleUploadedFile("model-card.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert (evidence.file_name, evidence.file_size) == ("model-card.pdf", len(PDF))
    download = f"/api/v1/projects/{checklist.project.slug}/evidence/{evidence.pk}/download/"
    assert response.json()["download_url"] == download
    client.force_login(team["ds2"])
    page = client.get(reverse("checklists:evidence-download", args=[checklist.project.slug, evidence.pk]))
    assert page.status_code == 200 and b"".join(page.streaming_content) == PDF
    client.force_login(outsider)
    assert (
        client.get(reverse("checklists:evidence-download", args=[checklist.project.slug, evidence.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "are not accepted"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "is not a .pdf file"),
        ("notes.txt", b"\xff\xfe\x00\x00binary\x00\x00" * 10, "is not a text file"),
    ],
)
def test_uploads_of_a_refused_type_are_rejected_in_ui_and_api(
    api_client, client, checklist, team, name, content, message
):
    api_client.force_authenticate(team["ds"])
    response = api_client.post(
        _api(checklist), {"kind": "file", "file": SimpleUploadedFile(name, content)}, format="multipart"
    )
    assert response.status_code == 400 and message in response.json()["error"]["message"]
    client.force_login(team["ds"])
    page = client.post(
        reverse("checklists:evidence-add", args=[checklist.project.slug, checklist.pk, "ck-01-check"]),
        {"kind": "file", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in page.content.decode()
    assert not Evidence.objects.exists()


def test_uploads_over_the_size_limit_are_rejected(api_client, checklist, team, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    api_client.force_authenticate(team["ds"])
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
    response = api_client.post(_api(checklist), {"kind": "file", "file": big}, format="multipart")
    assert response.status_code == 400
    assert "the limit is 1.0\xa0KB" in response.json()["error"]["message"]
    assert not Evidence.objects.exists()


def test_links_and_notes_are_evidence_too_and_only_their_author_removes_them(api_client, checklist, team):
    api_client.force_authenticate(team["ds"])
    link = api_client.post(_api(checklist), {"kind": "link", "url": "https://wiki.example.com/adr/7"}, format="json")
    assert link.status_code == 201
    bad = api_client.post(_api(checklist), {"kind": "link", "url": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400
    assert (
        api_client.post(_api(checklist), {"kind": "note", "note": "Reviewed in the design review."}).status_code == 201
    )
    evidence_id = link.json()["id"]
    url = f"/api/v1/projects/{checklist.project.slug}/evidence/{evidence_id}/"
    api_client.force_authenticate(team["ds2"])
    assert api_client.delete(url).status_code == 403
    api_client.force_authenticate(team["ds"])
    assert api_client.delete(url).status_code == 204
    assert Evidence.objects.count() == 1
