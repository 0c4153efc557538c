"""The dossier: every section in the PDF, hashes in a manifest attached to it, verification names what changed."""

import json
import subprocess

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEntry
from apps.dossier.registry import dossier_sections, section_hash
from apps.dossier.services import dossier_verify, parse_manifest
from apps.risks import services as risks
from tests.dossier.conftest import attached_manifest, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db


def test_the_pdf_holds_every_section_a_contents_page_and_page_numbers(project, officer, risk, generate, tmp_path):
    document = generate(officer, project)
    text = pdf_text(document)
    for section in dossier_sections():
        assert section.title in text, section.title
    assert "Contents" in text and "Integrity: section hashes" in text
    pages = pdf_reader(document).pages
    assert f"Page 2 of {len(pages)}" in text
    words = " ".join(text.split())
    assert risk.code in words and "Upstream schema change breaks ingestion" in words
    # pdftotext reads it too (what an auditor's tools see)
    path = tmp_path / "dossier.pdf"
    path.write_bytes(document.file.open("rb").read())
    extracted = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Risk register and heat maps" in extracted


def test_the_manifest_is_attached_stored_and_lists_each_sections_hash(project, officer, risk, generate):
    document = generate(officer, project)
    manifest = attached_manifest(document)
    assert manifest == document.manifest
    assert manifest["project"]["slug"] == project.slug
    assert manifest["generated_by"]["username"] == officer.username
    head = AuditEntry.objects.get(pk=manifest["audit_chain_head"]["entry_id"])
    assert manifest["audit_chain_head"]["hash"] == head.entry_hash
    listed = {item["key"]: item["sha256"] for item in manifest["sections"]}
    assert set(listed) == {section.key for section in dossier_sections()}
    risks_section = next(s for s in dossier_sections() if s.key == "risks")
    assert listed["risks"] == section_hash(risks_section.collect(project))
    text = pdf_text(document)
    assert listed["risks"] in text.replace("\n", "")  # printed on the integrity page too


def test_a_fresh_dossier_verifies(project, officer, risk, generate):
    document = generate(officer, project)
    result = dossier_verify(project=project, manifest=document.manifest)
    assert result.ok and result.chain_head_found is True
    assert [check.status for check in result.checks] == ["match"] * len(result.checks)


def test_a_changed_risk_is_named_as_the_section_that_no_longer_matches(project, officer, risk, generate):
    document = generate(officer, project)
    risks.risk_update(actor=project.owner, risk=risk, mitigation="Schema alerts and a data contract")
    result = dossier_verify(project=project, manifest=document.manifest)
    assert not result.ok
    assert [check.key for check in result.changed] == ["risks"]


def test_the_audit_summary_is_as_of_the_chain_head_so_later_entries_keep_it_valid(project, officer, generate):
    document = generate(officer, project, sections=["audit"])
    generate(officer, project, sections=["members"])  # more audit entries on the project
    assert dossier_verify(project=project, manifest=document.manifest).ok


def test_a_chain_head_missing_from_the_trail_fails_verification(project, officer, generate):
    document = generate(officer, project, sections=["members"])
    manifest = {**document.manifest, "audit_chain_head": {**document.manifest["audit_chain_head"], "hash": "0" * 64}}
    result = dossier_verify(project=project, manifest=manifest)
    assert result.chain_head_found is False and not result.ok


def test_chosen_sections_only_and_the_summary_always(project, officer, generate):
    document = generate(officer, project, sections=["risks"])
    assert [item["key"] for item in document.manifest["sections"]] == ["summary", "risks"]
    text = pdf_text(document)
    assert "Risk register and heat maps" in text and "Deliverables registry" not in text


def test_a_manifest_of_another_project_or_an_unknown_section_is_reported(project, officer, generate):
    from tests.factories import ProjectFactory

    document = generate(officer, project, sections=["members"])
    with pytest.raises(ValidationError, match="another project"):
        dossier_verify(project=ProjectFactory(), manifest=document.manifest)
    manifest = {**document.manifest, "sections": [*document.manifest["sections"], {"key": "gone", "sha256": "a" * 64}]}
    result = dossier_verify(project=project, manifest=manifest)
    assert [check.status for check in result.checks][-1] == "unknown" and not result.ok


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not valid JSON"),
        ("[" * 100 + "]" * 100, "not a dossier manifest"),
        (json.dumps({"format": "other"}), "not a dossier manifest"),
        (
            json.dumps({"format": "ml-governance-dossier/1", "project": {}, "sections": [{"key": "x", "sha256": "z"}]}),
            "not a dossier manifest",
        ),
        ("x" * (256 * 1024 + 1), "at most 256 KB"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_hostile_manifests_are_refused_before_and_after_parsing(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_manifest(raw)


def test_an_unknown_section_key_is_refused_at_request_time(project, officer):
    from apps.documents.services import document_request

    with pytest.raises(ValidationError, match="Unknown sections"):
        document_request(actor=officer, project=project, kind="dossier", params={"sections": ["nope"]})
