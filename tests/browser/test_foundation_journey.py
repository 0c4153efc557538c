import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.projects.demo import DEMO_PASSWORD
from apps.projects.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_product_owner_opens_a_project_and_adds_a_member_without_a_reload(demo, page, login):
    login("priya.owner", DEMO_PASSWORD)
    page.get_by_role("link", name="Customer Churn Predictor").click()
    expect(page.get_by_role("heading", name="Lifecycle")).to_be_visible()
    expect(page.locator(".timeline-step[aria-current=step]")).to_contain_text("Evaluation")
    expect(page.get_by_test_id("roi")).to_have_text("60%")
    expect(page.get_by_test_id("payback")).to_have_text("10.0 months")

    page.get_by_role("link", name="Members").first.click()
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Person").select_option(label="Tom Becker")
    page.get_by_label("Role", exact=False).and_(page.locator("select")).select_option(label="Domain SME")
    page.get_by_role("button", name="Add role").click()
    expect(page.get_by_role("status")).to_contain_text("Tom Becker is now Domain SME")
    assert page.evaluate("window.__notReloaded") is True
    assert Membership.objects.filter(user__username="tom.qa", role="domain_sme").exists()


def test_a_non_member_is_told_the_project_does_not_exist(demo, page, login):
    login("rita.compliance", DEMO_PASSWORD)
    expect(page.get_by_text("Store Demand Forecast")).to_have_count(0)
    response = page.goto("/projects/store-demand-forecast/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert [p for p in page.problems if "404" not in p] == []
    page.problems.clear()
