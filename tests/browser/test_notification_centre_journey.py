import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.gates.selectors import gate_for
from apps.gates.services import gate_submit, gate_update_criteria
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from apps.risks.models import Risk
from apps.risks.services import risk_escalations_plan
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member, record_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def churn_project(transactional_db):
    owner = UserFactory(username="olga.owner", first_name="Olga", last_name="Owner", creator=True)
    project = ProjectFactory(owner=owner, name="Churn Predictor", baseline_description="Manual retention calls")
    sponsor = UserFactory(username="sid.sponsor", first_name="Sid", last_name="Sponsor")
    add_member(project, sponsor, Role.EXECUTIVE_SPONSOR)
    project_services.project_update(actor=owner, project=project, problem_statement="Churn is noticed too late.")
    return project


def test_the_bell_counts_a_new_sign_off_request_and_the_centre_marks_it_read(churn_project, page, login):
    login("sid.sponsor", PASSWORD)
    bell = page.get_by_role("link", name="Notifications")
    expect(bell).to_be_visible()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)

    owner = churn_project.owner
    gate = gate_update_criteria(
        actor=owner, gate=gate_for(project=churn_project, stage=Stage.SCOPING), go_no_go_criteria="Uplift ≥ 2 points"
    )
    gate_submit(actor=owner, gate=gate, due_on=timezone.localdate() + datetime.timedelta(days=7))

    page.reload()
    expect(page.get_by_test_id("bell-count")).to_have_text("1 unread")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    row = page.locator(".notification-row").first
    expect(row).to_contain_text("Sign-off requested: Scoping gate")
    expect(row).to_contain_text("Unread")
    row.get_by_role("button", name=re.compile(r"^Mark .*Scoping gate.* read$")).click()
    expect(row).not_to_contain_text("Unread")
    page.reload()
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign-off requested: Scoping gate")).to_be_visible()


def test_a_compliance_officer_opens_the_aging_summary_and_sees_the_escalated_risks(churn_project, page, login):
    officer = UserFactory(username="cora.compliance", first_name="Cora", last_name="Compliance")
    add_member(churn_project, officer, Role.COMPLIANCE_OFFICER)
    for title in ("Label leakage", "Vendor API deprecation", "Drift unnoticed"):
        record_risk(churn_project, title=title, owner=None)
    Risk.objects.filter(title="Label leakage").update(next_review_on=timezone.localdate() - datetime.timedelta(days=12))
    Risk.objects.exclude(title="Label leakage").update(next_review_on=timezone.localdate() - datetime.timedelta(days=2))
    risk_escalations_plan()

    login("cora.compliance", PASSWORD)
    page.get_by_role("link", name="Notifications").click()
    summary = page.get_by_role("link", name="Risk reviews: 3 risks escalated to you")
    expect(summary).to_be_visible()
    summary.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio risk register")
    expect(page.get_by_label("Escalated")).to_be_checked()
    rows = page.locator("table.risk-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Label leakage")  # the most overdue first
