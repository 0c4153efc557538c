"""A data scientist completes a gate item with evidence; a second member peer-reviews it inline."""

import os

import pytest
from playwright.sync_api import expect

from apps.checklists import services as checklists
from apps.checklists.models import ItemResponse, ItemReview
from apps.projects.choices import Role
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "pre-01-problem-success-metrics"


@pytest.fixture
def churn(transactional_db):
    checklists.templates_load_library()
    project = ProjectFactory(name="Customer Churn Predictor", slug="customer-churn-predictor")
    sam = UserFactory(username="sam.ds", first_name="Sam", last_name="Okafor")
    lena = UserFactory(username="lena.pm", first_name="Lena", last_name="Fischer")
    add_member(project, sam, Role.DATA_SCIENTIST)
    add_member(project, lena, Role.PRODUCT_MANAGER)
    return project


def test_data_scientist_completes_an_item_with_evidence_and_a_second_member_reviews_it(churn, page, login):
    login("sam.ds", PASSWORD)
    page.get_by_role("link", name="Customer Churn Predictor").click()
    page.get_by_role("link", name="Checklists", exact=True).click()
    page.get_by_role("link", name="Production ML Checklist (gates)").click()
    expect(page.get_by_role("heading", name="Production ML Checklist (gates)")).to_be_visible()
    page.get_by_role("link", name="Problem is well-defined with clear success metrics").click()

    page.get_by_label("Add a link").fill("https://wiki.example.com/churn/problem-statement")
    page.get_by_role("button", name="Add link").click()
    expect(page.get_by_role("status").first).to_contain_text("Evidence added.")
    expect(page.get_by_role("link", name="https://wiki.example.com/churn/problem-statement")).to_be_visible()

    page.get_by_label("Status").select_option(label="Done")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Unowned items do not get done")
    page.get_by_label("Owner").select_option(label="Sam Okafor")
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Item saved.")
    expect(page.get_by_text("Awaiting review by a member other than Sam Okafor")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    login("lena.pm", PASSWORD)
    page.goto(f"/projects/{churn.slug}/checklists/")
    page.get_by_role("link", name="Production ML Checklist (gates)").click()
    page.evaluate("window.__notReloaded = true")
    row = page.get_by_test_id(f"row-{ITEM}")
    expect(row).to_contain_text("completed by Sam Okafor")
    row.get_by_role("button", name="Mark reviewed").click()
    row = page.get_by_test_id(f"row-{ITEM}")
    expect(row).to_contain_text("Reviewed")
    expect(row).to_contain_text("by Lena Fischer")
    assert page.evaluate("window.__notReloaded") is True

    response = ItemResponse.objects.get(item__key=ITEM, checklist__project=churn)
    assert (response.status, response.owner.username, response.evidence.count()) == ("done", "sam.ds", 1)
    assert ItemReview.objects.get(response=response).reviewer.username == "lena.pm"
