import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.gates.selectors import gate_for
from apps.gates.services import gate_submit, gate_update_criteria
from apps.projects import services as project_services
from apps.projects.choices import Role, Stage
from tests.factories import PASSWORD, ProjectFactory, UserFactory, add_member

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
