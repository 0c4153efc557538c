"""A Product Owner moves the Accountable of the Evaluation gate in the RACI grid, in Chromium."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.projects.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())  # the RACI demo seed gives each project its matrix


def test_product_owner_edits_a_cell_and_the_violation_list_follows(demo, page, login):
    login("priya.owner", DEMO_PASSWORD)
    page.get_by_role("link", name="Customer Churn Predictor").click()
    page.get_by_role("link", name="RACI").click()
    expect(page.get_by_role("heading", name="RACI matrix")).to_be_visible()
    violations = page.locator("#raci-violations")
    expect(violations).to_contain_text("Every activity follows the rules")

    # Take the A away from the Product Owner: the Evaluation gate now has no Accountable.
    page.get_by_label("Product Owner for Evaluation gate").select_option("")
    expect(violations).to_contain_text("Evaluation gate")
    expect(violations).to_contain_text("No role is Accountable")
    expect(page.get_by_test_id("violation-count")).to_have_text("1 problem in 1 activity")
    expect(page.locator("#raci-feedback")).to_contain_text("Saved: Product Owner for “Evaluation gate”")

    # Give it to QA: clean again.
    page.get_by_label("QA / Test Engineer for Evaluation gate").select_option("A")
    expect(violations).to_contain_text("Every activity follows the rules")

    # A second Accountable is refused, and the cell says why.
    page.get_by_label("Data Scientist / ML Engineer for Evaluation gate").select_option("RA")
    expect(page.locator("#raci-feedback")).to_contain_text("Not saved")
    expect(page.get_by_label("Data Scientist / ML Engineer for Evaluation gate")).to_have_value("R")
    expect(page.get_by_role("alert")).to_contain_text("can have only one Accountable role")

    # The gate table names who the next submission asks.
    page.reload()
    route = page.locator("tr[data-stage='evaluation']")
    expect(route).to_contain_text("QA / Test Engineer")
    expect(route).to_contain_text("Tom Becker")
