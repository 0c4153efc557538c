"""A compliance officer imports a risk register in Chromium: every problem in one report, then a preview."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.projects.demo import DEMO_PASSWORD
from apps.risks.importing import EXAMPLE_FILE
from apps.risks.models import Risk, RiskImport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHURN = "customer-churn-predictor"
# Set IMPORT_SCREENSHOTS=/some/dir to keep the pages as PNGs (to look at them).
SHOTS = os.environ.get("IMPORT_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def upload(page, path: Path) -> None:
    page.goto(f"/projects/{CHURN}/risks/")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import a risk register")).to_be_visible()
    page.get_by_label("Register file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url("**/risks/import/*/")


def test_the_guides_sample_with_several_errors_shows_every_problem_in_one_report(demo, page, login, tmp_path):
    # The guide's extract as pasted from the guide: no Category column, and its codes,
    # which the demo register already holds.
    pasted = tmp_path / "guide-extract.csv"
    lines = EXAMPLE_FILE.read_text(encoding="utf-8").splitlines()
    pasted.write_text("\n".join(",".join(line.split(",")[:7]) for line in lines) + "\n", encoding="utf-8")
    login("rita.compliance", DEMO_PASSWORD)
    before = Risk.objects.filter(project__slug=CHURN).count()
    upload(page, pasted)

    expect(page.get_by_role("heading", name="Nothing can be imported yet")).to_be_visible()
    report = page.locator("table.import-errors tbody tr")
    expect(report).to_have_count(6)
    expect(report.nth(0)).to_contain_text("Category")
    expect(report.nth(0)).to_contain_text("This required column is missing.")
    for index, row in enumerate(range(2, 7), start=1):
        expect(report.nth(index)).to_contain_text(str(row))
        expect(report.nth(index)).to_contain_text(f"R-00{row - 1} was already issued in this project")
    expect(page.get_by_role("button", name="Confirm and create")).to_have_count(0)
    # The owners are resolved and shown even so.
    expect(page.locator("table.import-preview")).to_contain_text("Product Owner role → Priya Raman")
    shot(page, "1-several-errors")
    assert Risk.objects.filter(project__slug=CHURN).count() == before


def test_a_correct_file_goes_through_the_preview_with_the_owner_resolution_shown(demo, page, login, tmp_path):
    register = tmp_path / "retention-risks.csv"
    register.write_text(
        "Title,Category,Stage,Impact,Likelihood,Owner,Mitigation,Residual\n"
        "Save-offer budget exhausted mid-quarter,Cost overrun,Deployment,Medium,Medium,Product / Data Scientist,"
        "Monthly budget burn report,Low\n"
        "Holiday season shifts churn drivers,Concept drift,Monitoring,High,Medium,Kai Nakamura,"
        "Seasonal backtest before each holiday,Medium\n"
        "Support tickets leak PII into features,Privacy,Data Preparation,High,Low,Compliance Officer,"
        "PII scrubber on ticket text,\n",
        encoding="utf-8",
    )
    login("rita.compliance", DEMO_PASSWORD)
    before = Risk.objects.filter(project__slug=CHURN).count()
    upload(page, register)

    expect(page.get_by_role("heading", name="2 · Check the preview, then confirm")).to_be_visible()
    expect(page.get_by_text("3 risks will be created")).to_be_visible()
    rows = page.locator("table.import-preview tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("td.owner-resolution")).to_contain_text("Product Owner role → Priya Raman")
    expect(rows.nth(0).locator("td.owner-resolution")).to_contain_text("written: “Product / Data Scientist”")
    expect(rows.nth(1).locator("td.owner-resolution")).to_contain_text("Kai Nakamura (by name)")
    expect(rows.nth(2).locator("td.owner-resolution")).to_contain_text(
        "Security / Compliance Officer role → Rita Costa"
    )
    expect(rows.nth(0)).to_contain_text("Will be created")
    assert Risk.objects.filter(project__slug=CHURN).count() == before, "nothing is saved before the confirm"
    shot(page, "2-preview")

    page.get_by_role("button", name="Confirm and create 3 risks").click()
    page.wait_for_url(f"**/projects/{CHURN}/risks/")
    expect(page.get_by_text("Imported 3 risks from “retention-risks.csv”")).to_be_visible()
    shot(page, "3-register-after-confirm")
    imported = RiskImport.objects.get(project__slug=CHURN, file_name="retention-risks.csv")
    created = Risk.objects.filter(project__slug=CHURN).order_by("-number")[:3]
    assert sorted(imported.created_codes) == sorted(risk.code for risk in created)
    assert {risk.owner.username for risk in created} == {"priya.owner", "kai.mlops", "rita.compliance"}

    page.goto(imported.get_absolute_url())
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    shot(page, "4-import-record")
