import pytest
from playwright.sync_api import expect

from apps.projects import services as project_services
from apps.projects.choices import Role
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fraud_project(transactional_db):
    owner = UserFactory(username="olga.owner", first_name="Olga", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Card Fraud Screening", baseline_description="Rules engine, 61% recall")
    sponsor = UserFactory(username="sid.sponsor", first_name="Sid", last_name="Sponsor")
    add_member(project, sponsor, Role.EXECUTIVE_SPONSOR)
    project_services.project_update(actor=owner, project=project, problem_statement="Fraud is caught days late.")
    return project


def test_owner_submits_scoping_the_sponsor_approves_from_the_inbox_and_the_timeline_shows_it(
    fraud_project, page, login, browser, live_server
):
    login("olga.owner", PASSWORD)
    page.get_by_role("link", name="Card Fraud Screening").click()
    page.locator('[data-stage="scoping"] a').click()
    expect(page.get_by_role("button", name="Submit for sign-off")).to_be_disabled()
    page.get_by_label("Go / No-Go criteria for feasibility").fill("Recall ≥ 70% at 1% FPR on last quarter's cases")
    page.get_by_role("button", name="Save criteria").click()
    expect(page.get_by_role("status")).to_contain_text("Go / No-Go criteria saved")
    page.get_by_label("Note to the approvers").fill("Scope agreed with Risk Ops.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_role("heading", name="Scoping gate")).to_contain_text("Awaiting sign-off")

    sponsor_page = browser.new_context(base_url=live_server.url).new_page()
    sponsor_page.goto("/accounts/login/")
    sponsor_page.get_by_label("Username").fill("sid.sponsor")
    sponsor_page.get_by_label("Password").fill(PASSWORD)
    sponsor_page.get_by_role("button", name="Sign in").click()
    sponsor_page.get_by_role("link", name="My sign-offs").click()
    sponsor_page.get_by_role("link", name="Review & decide").click()
    expect(sponsor_page.get_by_text("Go / No-Go criteria for feasibility written")).to_be_visible()
    sponsor_page.get_by_label("Comment").fill("Clear criteria; go ahead.")
    sponsor_page.get_by_role("button", name="Approve").click()
    expect(sponsor_page.get_by_role("heading", level=1)).to_contain_text("Approved")

    page.goto(f"/projects/{fraud_project.slug}/")
    scoping = page.locator('[data-stage="scoping"]')
    expect(scoping).to_contain_text("Approved")
    expect(scoping).to_contain_text("Sid Sponsor")
    expect(page.locator(".timeline-step[aria-current=step]")).to_contain_text("Feasibility")
