"""An MLOps engineer's incident, from opening to a closed incident with a signed review, in Chromium."""

import pytest
from playwright.sync_api import expect

from apps.incidents.models import Incident
from apps.projects.choices import Role
from tests.browser.conftest import DASHBOARD, open_projects
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def churn_project(transactional_db):
    owner = UserFactory(username="paula.owner", first_name="Paula", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Churn Scoring")
    for username, first, role in (
        ("mo.mlops", "Mo", Role.MLOPS_ENGINEER),
        ("cora.compliance", "Cora", Role.COMPLIANCE_OFFICER),
    ):
        add_member(project, UserFactory(username=username, first_name=first, last_name="Test"), role)
    return project


def _sign_in(browser, live_server, username):
    page = browser.new_context(base_url=live_server.url).new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(DASHBOARD)
    open_projects(page)
    return page


def _approve(page, comment, *, then):
    page.get_by_role("link", name="My sign-offs").click()
    page.get_by_role("link", name="Review & decide").click()
    expect(page.get_by_text("A feature was renamed upstream")).to_be_visible()
    page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approval is recorded")
    expect(page.get_by_role("heading", level=1)).to_contain_text(then)


def test_incident_is_opened_resolved_reviewed_signed_and_closed(churn_project, page, login, browser, live_server):
    login("mo.mlops", PASSWORD)
    page.get_by_role("link", name="Churn Scoring").click()
    page.get_by_role("link", name="Incidents").last.click()
    page.get_by_role("link", name="Open incident").click()
    page.get_by_label("Title").fill("Churn scores drift after pipeline change")
    page.get_by_label("Severity").select_option("P2")
    page.get_by_label("Category").select_option("model_degradation")
    page.get_by_label("Trigger metric").fill("PSI tenure_months")
    page.get_by_role("button", name="Open incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("INC-001")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Detected")

    for button, status in (
        ("Acknowledge", "Acknowledged"),
        ("Mark mitigated", "Mitigated"),
        ("Mark resolved", "Resolved"),
    ):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(status)
    expect(page.get_by_role("list", name="Timeline entries")).to_contain_text("Post-incident review opened")
    expect(page.get_by_role("button", name="Close incident")).to_have_count(0)

    page.get_by_role("link", name="Post-incident review").first.click()
    expect(page.get_by_role("button", name="Submit for sign-off")).to_be_disabled()
    page.get_by_label("Users affected").fill("1200")
    page.get_by_label("Data loss").select_option(label="No")
    page.get_by_label("Root cause", exact=True).fill("A feature was renamed upstream and arrived empty.")
    page.get_by_label("What went well").fill("Alert fired within two minutes")
    page.get_by_label("What went poorly").fill("Rollback runbook was out of date")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_role("status")).to_contain_text("Review saved")
    page.get_by_label("Note to the approvers").fill("Written with the data team.")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_role("status")).to_contain_text("submitted for sign-off")

    _approve(_sign_in(browser, live_server, "paula.owner"), "Clear root cause.", then="Awaiting sign-off")
    _approve(_sign_in(browser, live_server, "cora.compliance"), "No data loss; agreed.", then="Approved")

    page.goto(Incident.objects.get().get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review due")
    page.get_by_label("Closing note").fill("Lessons recorded.")
    page.get_by_role("button", name="Close incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    incident = Incident.objects.get()
    assert incident.closed_at and incident.review.approved_at
