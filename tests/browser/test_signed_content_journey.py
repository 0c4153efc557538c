"""Issue 10's journey: the signed problem statement changes, and the gate is invalidated at once, with the change
named as people read it, before and after; the old certificate is marked superseded."""

import os

import pytest
from playwright.sync_api import expect

from apps.gates import services as gate_services
from apps.gates.selectors import gate_for
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.signoffs import services as signoff_services
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def approved_scoping(transactional_db):
    owner = UserFactory(username="olga.owner", first_name="Olga", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Card Fraud Screening", baseline_description="Rules engine, 61% recall")
    sponsor = UserFactory(username="sid.sponsor", first_name="Sid", last_name="Sponsor")
    add_member(project, sponsor, Role.EXECUTIVE_SPONSOR)
    project_services.project_update(actor=owner, project=project, problem_statement="Fraud is caught days late.")
    gate = gate_services.gate_update_criteria(
        actor=owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="Recall ≥ 70% at 1% FPR"
    )
    signoff = gate_services.gate_submit(actor=owner, gate=gate, note="Scope agreed.")
    signoff_services.signoff_decide(actor=sponsor, signoff=signoff, approve=True, note="Clear; go ahead.")
    return project


def test_changing_the_signed_problem_statement_invalidates_the_gate_at_once_with_before_and_after(
    approved_scoping, page, login
):
    project = approved_scoping
    login("olga.owner", PASSWORD)
    page.goto(f"/projects/{project.slug}/")
    expect(page.locator('[data-stage="scoping"]')).to_contain_text("Approved")
    expect(page.locator('[data-stage="scoping"] time')).to_contain_text("UTC")
    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_label("Current lifecycle stage")).to_have_count(0)
    page.get_by_label("Problem statement").fill("Fraud is caught within hours, not days.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Project profile saved")

    # No periodic task has run: the very next page already tells the truth.
    page.locator('[data-stage="scoping"] a').click()
    expect(page.get_by_test_id("gate-state")).to_have_text("Reopened")
    expect(page.get_by_test_id("superseded")).to_contain_text("the signed content changed")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Sign-off invalidated")
    expect(history).to_contain_text(
        "Problem statement: “Fraud is caught days late.” → “Fraud is caught within hours, not days.”"
    )
    expect(history).not_to_contain_text("profile.problem_statement")
    expect(page.get_by_role("link", name="Superseded certificate (PDF)")).to_be_visible()
    _shot(page, "gate-invalidated")

    page.goto(f"/projects/{project.slug}/")
    expect(page.locator('[data-stage="scoping"]')).to_contain_text("Reopened")
    _shot(page, "timeline-after-invalidation")


def test_the_approver_reads_the_signed_problem_statement_and_criteria_next_to_the_decision(
    transactional_db, page, login
):
    owner = UserFactory(username="olga.owner", first_name="Olga", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Card Fraud Screening", baseline_description="Rules engine, 61% recall")
    add_member(
        project, UserFactory(username="sid.sponsor", first_name="Sid", last_name="Sponsor"), Role.EXECUTIVE_SPONSOR
    )
    gate = gate_services.gate_update_criteria(
        actor=owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="Recall ≥ 70% at 1% FPR"
    )
    gate_services.gate_submit(actor=owner, gate=gate, note="Scope agreed.")
    login("sid.sponsor", PASSWORD)
    page.get_by_role("link", name="My sign-offs").click()
    page.get_by_role("link", name="Review & decide").click()
    signed = page.get_by_test_id("signed-profile")
    expect(signed).to_contain_text("Problem statement")
    expect(signed).to_contain_text(project.problem_statement)
    expect(signed).to_contain_text("Minimum acceptable threshold")
    expect(signed).to_contain_text("Recall ≥ 70% at 1% FPR")
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    _shot(page, "signoff-request")
