"""An MLOps engineer imports the checklist's example card, edits a metric, compares and submits it;
the Ethics reviewer sees the change in the sign-off."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from apps.projects.choices import Role
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_YAML = Path(__file__).resolve().parents[2] / "apps/modelcards/data/customer_churn_predictor.yaml"


@pytest.fixture
def churn_project(transactional_db):
    owner = UserFactory(username="olga.owner", first_name="Olga", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Customer Churn Predictor")
    for username, first, role in (
        ("kim.mlops", "Kim", Role.MLOPS_ENGINEER),
        ("dara.ds", "Dara", Role.DATA_SCIENTIST),
        ("nia.ethics", "Nia", Role.ETHICS_REVIEWER),
        ("cole.compliance", "Cole", Role.COMPLIANCE_OFFICER),
    ):
        add_member(project, UserFactory(username=username, first_name=first, last_name="Tester"), role)
    return project


def test_engineer_imports_the_seed_card_edits_a_metric_compares_and_submits_for_signoff(
    churn_project, page, login, browser, live_server
):
    login("kim.mlops", PASSWORD)
    page.get_by_role("link", name="Customer Churn Predictor").click()
    page.locator(".portal-topbar").get_by_role("link", name="Model cards").click()
    expect(page.get_by_text("No model registered yet")).to_be_visible()
    page.get_by_role("link", name="Import card").click()
    page.get_by_label("…or paste it").fill(SEED_YAML.read_text())
    page.get_by_role("button", name="Import as a new revision").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported as revision 1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("revision 1")
    completeness = page.locator("#completeness-h").locator("xpath=ancestor::section")
    expect(completeness).to_contain_text("1 missing")
    expect(completeness.locator("li.missing")).to_have_count(1)
    expect(completeness.locator("li.missing")).to_contain_text("Caveats and recommendations")

    page.get_by_role("link", name="Edit card").click()
    page.get_by_label("Primary metric 1: value").fill("0.861")
    page.get_by_label("What changed").fill("Retrained on March data")
    page.get_by_role("button", name="Save as a new revision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("revision 2")
    expect(page.locator("#metrics")).to_contain_text("0.861")

    page.get_by_role("link", name="Compare").click()
    row = page.get_by_role("row", name="Metrics › Primary metrics [AUC-ROC] › Value")
    expect(row).to_contain_text("Changed")
    expect(row).to_contain_text("0.847")
    expect(row).to_contain_text("0.861")
    expect(page.get_by_text("1 changed")).to_be_visible()

    page.get_by_role("link", name="customer_churn_predictor").click()
    page.get_by_role("link", name="Submit revision 2").click()
    expect(page.get_by_label("Ethics / Fairness Reviewer")).to_be_checked()
    page.get_by_label("Note to the approvers").fill("Card for the 2.1.0 promotion.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting sign-off")

    reviewer = browser.new_context(base_url=live_server.url).new_page()
    reviewer.goto("/accounts/login/")
    reviewer.get_by_label("Username").fill("nia.ethics")
    reviewer.get_by_label("Password").fill(PASSWORD)
    reviewer.get_by_role("button", name="Sign in").click()
    reviewer.get_by_role("link", name="My sign-offs").click()
    reviewer.get_by_role("link", name="Review & decide").click()
    expect(reviewer.get_by_text("Missing from the card: Caveats and recommendations")).to_be_visible()
    expect(reviewer.get_by_text("No earlier approved revision")).to_be_visible()
