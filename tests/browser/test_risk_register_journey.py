"""A compliance officer's journey through the portfolio register, in Chromium."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.projects.demo import DEMO_PASSWORD
from apps.risks.models import Risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_compliance_officer_filters_to_high_residual_risks_and_downloads_the_pdf(demo, page, login):
    login("rita.compliance", DEMO_PASSWORD)
    page.get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", name="Portfolio risk register")).to_be_visible()
    expect(page.get_by_role("heading", name="Heat maps of the live risks selected")).to_be_visible()

    page.get_by_label("Residual band").select_option(label="High")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/risks/?*residual_band=high*")

    high = Risk.objects.filter(residual_score__gte=12, project__memberships__user__username="rita.compliance")
    expected = sorted({(risk.project.name, risk.display_code) for risk in high.select_related("project")})
    assert expected, "the demo has high residual risks on Rita's projects"
    rows = page.locator("#register tbody tr")
    expect(rows).to_have_count(len(expected))
    shown = sorted(
        (rows.nth(i).locator(".risk-project").inner_text(), rows.nth(i).locator("td.risk-code > a").inner_text())
        for i in range(len(expected))
    )
    assert shown == expected

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("risk-register-portfolio-") and download.suggested_filename.endswith(
        ".pdf"
    )
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Residual band = High" in text
    for _, code in expected:
        assert code in text
    assert "Store Demand Forecast" not in text  # a project Rita is not a member of


def test_the_project_filter_searches_its_choices_as_you_type(demo, page, login):
    login("rita.compliance", DEMO_PASSWORD)
    page.get_by_role("link", name="Risk register").click()
    project = Risk.objects.filter(project__memberships__user__username="rita.compliance").first().project
    word = project.name.split()[0]
    page.get_by_label("Search project").fill(word)
    select = page.locator("select[name=project]")
    expect(select.locator("option", has_text=project.name)).to_have_count(1)
    select.select_option(label=project.name)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"**/risks/?*project={project.slug}*")
    expect(select.locator("option[selected]")).to_have_text(project.name)
    codes = page.locator("#register tbody td.risk-code .risk-project")
    assert set(codes.all_inner_texts()) == {project.name}
