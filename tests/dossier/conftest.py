import io
import json

import pytest
from pypdf import PdfReader

from apps.documents import services as documents
from apps.projects.choices import Role
from apps.risks import services as risks


@pytest.fixture
def officer(project, member_of):
    """The project's Security / Compliance Officer: reads the audit trail, so may generate the dossier."""
    return member_of(project, Role.COMPLIANCE_OFFICER)


@pytest.fixture
def risk(project):
    return risks.risk_create(
        actor=project.owner,
        project=project,
        title="Upstream schema change breaks ingestion",
        category="dependency_fragility",
        impact=4,
        likelihood=4,
        residual_impact=4,
        residual_likelihood=3,
        mitigation="Schema alerts",
    )


@pytest.fixture
def generate(django_capture_on_commit_callbacks):
    """generate(actor, project, sections=None) -> the built dossier document (the Celery task runs eagerly)."""

    def make(actor, project, sections=None):
        with django_capture_on_commit_callbacks(execute=True):
            document = documents.document_request(
                actor=actor, project=project, kind="dossier", params={"sections": sections} if sections else {}
            )
        document.refresh_from_db()
        assert document.state == "done", document.error
        return document

    return make


def pdf_reader(document) -> PdfReader:
    with document.file.open("rb") as file:
        return PdfReader(io.BytesIO(file.read()))


def pdf_text(document) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(document).pages)


def attached_manifest(document) -> dict:
    attachments = pdf_reader(document).attachments
    return json.loads(attachments["dossier-manifest.json"][0])
