"""Evidence uploads with hostile names, and refused records, leave nothing behind."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.checklists.models import Evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _evidence_url(checklist, key="ck-01-check"):
    return f"/api/v1/projects/{checklist.project.slug}/checklists/{checklist.pk}/items/{key}/evidence/"


def _stored_files() -> list[str]:
    def walk(folder):
        folders, files = default_storage.listdir(folder)
        return [f"{folder}/{name}".lstrip("/") for name in files] + [
            path for sub in folders for path in walk(f"{folder}/{sub}".lstrip("/"))
        ]

    return walk("")


@pytest.mark.parametrize("name", ["é" * 200 + ".pdf", "a" * 300 + ".pdf", "../../" + "x" * 250 + ".pdf"])
def test_a_file_name_over_255_bytes_is_stored_under_a_shortened_name(api_client, checklist, team, name):
    api_client.force_authenticate(team["ds"])
    response = api_client.post(
        _evidence_url(checklist), {"kind": "file", "file": SimpleUploadedFile(name, PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert evidence.file_name.endswith(".pdf")
    assert len(evidence.file_name.encode()) <= 120
    assert "/" not in evidence.file_name


def test_a_refused_record_does_not_leave_its_file_in_storage(api_client, checklist, team, monkeypatch):
    before = _stored_files()

    def refuse(self, *args, **kwargs):
        raise ValidationError({"file_name": "refused"})

    monkeypatch.setattr(Evidence, "full_clean", refuse)
    api_client.force_authenticate(team["ds"])
    response = api_client.post(
        _evidence_url(checklist), {"kind": "file", "file": SimpleUploadedFile("proof.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 400
    assert _stored_files() == before
    assert not Evidence.objects.exists()
