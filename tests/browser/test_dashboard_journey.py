"""Three people open "What needs me" and find their queue and role panel, numbers as the registers say."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone
from playwright.sync_api import expect

from apps.deliverables.models import ProjectDeliverable
from apps.gates.choices import GateState
from apps.gates.models import Gate
from apps.projects.choices import Role
from apps.projects.demo import DEMO_PASSWORD
from apps.projects.models import Membership, Project
from apps.risks.choices import LIVE_STATUSES
from apps.risks.models import Risk
from apps.signoffs.selectors import signoff_inbox_count

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _projects_where(username, role):
    return Project.objects.filter(
        pk__in=Membership.objects.filter(user__username=username, role=role).values("project_id")
    )


def _open_dashboard(page, login, username):
    login(username, DEMO_PASSWORD)
    page.get_by_role("link", name="What needs me").click()
    expect(page.get_by_role("heading", name="What needs me", level=1)).to_be_visible()


def _number(page, scope, key) -> str:
    return page.locator(f'[data-panel="{scope}"] [data-number="{key}"] .value').inner_text().strip()


def _queue_total(page, key) -> int:
    section = page.locator(f'[data-queue="{key}"]')
    if section.get_attribute("data-total") == "0":
        return 0
    return int(section.locator("[data-total]").inner_text())


def test_compliance_officer_sees_the_risk_posture_and_her_sign_offs(demo, page, login):
    _open_dashboard(page, login, "rita.compliance")
    rita = Membership.objects.filter(user__username="rita.compliance").first().user
    assert _queue_total(page, "signoffs-waiting") == signoff_inbox_count(user=rita)

    posture = page.locator('[data-panel="risk-posture"]')
    expect(posture.get_by_role("heading", name="Portfolio risk posture")).to_be_visible()
    today = timezone.localdate()
    risks = Risk.objects.filter(project__in=_projects_where("rita.compliance", Role.COMPLIANCE_OFFICER))
    live = risks.filter(status__in=LIVE_STATUSES)
    assert _number(page, "risk-posture", "live") == str(live.count())
    assert _number(page, "risk-posture", "aging") == str(live.filter(next_review_on__lt=today).count())
    escalated = live.filter(next_review_on__lt=today).filter(
        Q(next_review_on__lt=today - datetime.timedelta(days=7)) | Q(owner__isnull=True)
    )
    assert _number(page, "risk-posture", "escalated") == str(escalated.count())
    for cell in live.values("residual_impact", "residual_likelihood").annotate(n=Count("id")):
        shown = posture.locator(f'[data-cell="{cell["residual_impact"]}-{cell["residual_likelihood"]}"] .count')
        expect(shown).to_have_text(str(cell["n"]))

    expect(page.locator('[data-panel="open-incidents"]')).to_be_visible()
    expect(page.locator('[data-panel="audit-chain"]')).to_contain_text("Latest signed checkpoint")

    # A line of the queue leads to where the work is done.
    first = page.locator('[data-queue="signoffs-waiting"] tbody tr a').first
    first.click()
    expect(page.get_by_role("button", name="Approve")).to_be_visible()


def test_product_manager_sees_the_lifecycle_board_and_stale_deliverables(demo, page, login):
    _open_dashboard(page, login, "lena.pm")
    managed = _projects_where("lena.pm", Role.PRODUCT_MANAGER)
    board = page.locator('[data-panel="lifecycle-board"]')
    expect(board.locator("tbody tr")).to_have_count(managed.count())
    for project in managed:
        row = board.locator(f'tr[data-project="{project.key}"]')
        expect(row.locator("th")).to_contain_text(project.name)
        approved = Gate.objects.filter(project=project, state=GateState.APPROVED).count()
        expect(row.locator(f'[data-state="{GateState.APPROVED}"]')).to_have_count(approved)
    today = timezone.localdate()
    due = ProjectDeliverable.objects.filter(project__in=managed, next_due_on__lte=today + datetime.timedelta(days=7))
    assert _number(page, "deliverables-due", "stale") == str(due.filter(next_due_on__lt=today).count())
    assert _number(page, "deliverables-due", "due_soon") == str(due.filter(next_due_on__gte=today).count())
    lena = Membership.objects.filter(user__username="lena.pm").first().user
    assert _queue_total(page, "signoffs-waiting") == signoff_inbox_count(user=lena)


def test_sponsor_sees_projects_by_stage_and_the_business_case(demo, page, login):
    _open_dashboard(page, login, "marcus.sponsor")
    sponsored = _projects_where("marcus.sponsor", Role.EXECUTIVE_SPONSOR)
    stages = page.locator('[data-panel="projects-by-stage"]')
    for row in sponsored.values("current_stage").annotate(n=Count("id")):
        expect(stages.locator(f'tr[data-stage="{row["current_stage"]}"] [data-count]')).to_have_text(str(row["n"]))
    case = page.locator('[data-panel="business-case"]')
    for project in sponsored:
        row = case.locator(f'tr[data-project="{project.key}"]')
        expect(row.locator("[data-roi]")).to_have_text(f"{round(project.roi * 100)} %")
        expect(row.locator("[data-payback]")).to_contain_text(f"{project.payback_months}")
    expect(page.locator('[data-panel="sponsor-decisions"]')).to_be_visible()
    page.get_by_role("link", name="Customer Churn Predictor").first.click()
    expect(page.get_by_role("heading", name="Lifecycle")).to_be_visible()
