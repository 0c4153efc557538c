"""The dashboard shows each person only what they may see, and role panels only to their roles."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.dashboard.selectors import viewer_for
from apps.projects import services as projects
from apps.projects.choices import Role
from apps.projects.models import Membership
from apps.risks import services as risks
from apps.risks.models import Risk
from tests.dashboard.conftest import dashboard_of, panel_of, queue_of
from tests.factories import ProjectFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db

CO_PANELS = {"risk-posture", "open-incidents", "overdue-reviews", "audit-chain"}


def test_anonymous_page_redirects_to_sign_in_and_api_answers_401():
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    response = APIClient().get("/api/v1/dashboard/")
    assert response.status_code == 401
    assert "error" in response.json()


def test_an_outsider_sees_an_empty_queue_and_no_panel(world):
    dashboard = dashboard_of(world.outsider)
    assert dashboard.waiting == 0 and dashboard.panels == []
    client = Client()
    client.force_login(world.outsider)
    page = client.get("/").content.decode()
    assert world.projects[0].name not in page
    assert "All clear" in page


@pytest.mark.parametrize(
    ("role", "panels"),
    [
        (Role.COMPLIANCE_OFFICER, CO_PANELS),
        (Role.PRODUCT_MANAGER, {"lifecycle-board", "deliverables-due"}),
        (Role.EXECUTIVE_SPONSOR, {"projects-by-stage", "business-case", "sponsor-decisions"}),
        (Role.DATA_SCIENTIST, set()),
    ],
)
def test_role_panels_go_to_the_holders_of_their_roles(world, role, panels):
    assert {panel.key for panel, _ in dashboard_of(world.person(role)).panels} == panels


def test_the_compliance_auditor_sees_the_posture_of_every_project(world):
    other = ProjectFactory(name="Not Rita's project")
    risks.risk_create(
        actor=other.owner, project=other, title="Elsewhere", category="privacy", impact=5, likelihood=5,
        residual_impact=5, residual_likelihood=5,
    )  # fmt: skip
    assert {panel.key for panel, _ in dashboard_of(world.auditor).panels} == CO_PANELS
    seen_by_auditor = panel_of(world.auditor, "risk-posture")["summary"]["live"]
    seen_by_officer = panel_of(world.person(Role.COMPLIANCE_OFFICER), "risk-posture")["summary"]["live"]
    assert seen_by_auditor == Risk.objects.filter(status__in=["open", "mitigating", "accepted"]).count()
    assert seen_by_officer == seen_by_auditor - 1  # not a member of the other project: its risk never shows


def test_a_panel_covers_only_the_projects_where_the_role_is_held(world):
    """Rita reads another project as a data scientist: its risks are not in her compliance posture."""
    co = world.person(Role.COMPLIANCE_OFFICER)
    other = ProjectFactory(name="Rita as a scientist")
    add_member(other, co, Role.DATA_SCIENTIST)
    risks.risk_create(
        actor=other.owner, project=other, title="Elsewhere", category="privacy", impact=5, likelihood=5,
        residual_impact=5, residual_likelihood=5, owner=co,
    )  # fmt: skip
    posture = panel_of(co, "risk-posture")
    assert posture["summary"]["live"] == Risk.objects.filter(project__in=world.projects).count()
    # Her own risk there is in her queue all the same: she owns it and may see the project.
    assert "Elsewhere" in [item.title for item in queue_of(co, "risks").items]


def test_records_of_a_project_you_left_leave_your_queue(world):
    scientist = world.person(Role.DATA_SCIENTIST)
    assert queue_of(scientist, "incident-actions").total == 1
    membership = Membership.objects.get(project=world.projects[0], user=scientist, role=Role.DATA_SCIENTIST)
    projects.membership_remove(actor=world.owner, membership=membership)
    dashboard = dashboard_of(scientist)
    assert dashboard.waiting == 0


def test_a_retired_project_waits_for_nobody(world):
    scientist = world.person(Role.DATA_SCIENTIST)
    projects.project_retire(actor=world.owner, project=world.projects[0], reason="Replaced.")
    assert dashboard_of(scientist).waiting == 0
    # Its records stay visible in the oversight panels (retired projects stay auditable).
    assert panel_of(world.person(Role.COMPLIANCE_OFFICER), "risk-posture")["summary"]["live"] > 0


def test_the_api_returns_the_pages_numbers(world):
    sponsor = world.person(Role.EXECUTIVE_SPONSOR)
    client = APIClient()
    client.force_authenticate(sponsor)
    body = client.get("/api/v1/dashboard/").json()
    dashboard = dashboard_of(sponsor)
    assert body["waiting"] == dashboard.waiting == 1
    assert body["roles"] == sorted(viewer_for(user=sponsor).roles)
    assert [section["key"] for section in body["queue"]] == [source.key for source, _ in dashboard.queue]
    decisions = next(panel for panel in body["panels"] if panel["key"] == "sponsor-decisions")
    assert decisions["data"]["waiting_for_you"] == 1


def test_someone_without_any_project_gets_a_working_page():
    client = Client()
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert b"Nothing registered" not in response.content
