"""A Compliance Officer generates the churn project's governance dossier, reads it and verifies it, in Chromium."""

import io
import json
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.dossier.registry import dossier_sections
from apps.projects.demo import DEMO_PASSWORD
from apps.risks import services as risks
from apps.risks.models import Risk
from apps.signoffs.models import SignoffEvent, SignoffRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_compliance_officer_generates_reads_and_verifies_the_churn_dossier(demo, page, login, tmp_path):
    login("rita.compliance", DEMO_PASSWORD)
    page.get_by_role("link", name="Customer Churn Predictor").click()
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Generate Governance dossier").click()
    expect(page.get_by_label("Risk register and heat maps")).to_be_checked()
    page.get_by_role("button", name="Generate dossier").click()  # the worker runs eagerly in tests

    expect(page.get_by_role("heading", name="Governance dossier — Customer Churn Predictor")).to_be_visible()
    expect(page.get_by_text("Done", exact=True)).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download").click()
    pdf_path = tmp_path / "dossier.pdf"
    pdf_download.value.save_as(pdf_path)
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for section in dossier_sections():
        assert section.title in flat, section.title
    project_signoffs = SignoffRequest.objects.filter(project__slug__contains="churn")
    for request in project_signoffs.exclude(state="open"):
        assert request.fingerprint in text.replace("\n", ""), request.title
    approvers = {
        event.actor.display_name for event in SignoffEvent.objects.filter(request__in=project_signoffs, kind="approved")
    }
    assert approvers and all(name in flat for name in approvers)

    with page.expect_download() as manifest_download:
        page.get_by_role("link", name="Manifest").click()
    manifest_path = tmp_path / "dossier.manifest.json"
    manifest_download.value.save_as(manifest_path)
    assert json.loads(manifest_path.read_text())["project"]["name"] == "Customer Churn Predictor"

    page.goto(page.url.split("/documents/")[0] + "/dossier/verify/")
    page.get_by_label("Manifest file (.json)").set_input_files(str(manifest_path))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verification")).to_contain_text("The dossier matches the portal's records")

    # Someone edits a risk after the dossier was printed: verification names the register.
    risk = Risk.objects.filter(project__slug__contains="churn").order_by("number").first()
    owner = User.objects.get(username="priya.owner")
    risks.risk_update(actor=owner, risk=risk, mitigation=f"{risk.mitigation} (revised)")
    page.get_by_label("Manifest file (.json)").set_input_files(str(manifest_path))
    page.get_by_role("button", name="Verify").click()
    result = page.locator("#verification")
    expect(result).to_contain_text("no longer matches: 1 section changed")
    expect(result).to_contain_text("No longer matching: Risk register and heat maps.")
