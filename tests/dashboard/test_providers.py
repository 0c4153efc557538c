"""Each app's queue source and role panel, against the records of a staffed project."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count

from apps.audit.models import ChainVerification
from apps.audit.services import audit_chain_verification_run, audit_checkpoint_record
from apps.cadence import services as cadence
from apps.cadence.choices import ReviewKind
from apps.checklists import services as checklists
from apps.dashboard.registry import LIST_LIMIT
from apps.gates.choices import GateState
from apps.incidents.models import Incident
from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.risks.choices import LIVE_STATUSES
from apps.risks.models import Risk
from apps.signoffs.models import SignoffRequest
from tests.dashboard.conftest import panel_of, queue_of

pytestmark = pytest.mark.django_db

CO, PM, SPONSOR, SCIENTIST = (
    Role.COMPLIANCE_OFFICER,
    Role.PRODUCT_MANAGER,
    Role.EXECUTIVE_SPONSOR,
    Role.DATA_SCIENTIST,
)


def test_signoffs_waiting_lists_the_gate_for_its_approver_overdue_first(world):
    project = world.projects[0]
    gate_request = SignoffRequest.objects.get(project=project, target_type__model="gate")
    section = queue_of(world.person(SPONSOR), "signoffs-waiting")
    assert [item.title for item in section.items] == [gate_request.title]
    assert section.items[0].url == gate_request.get_absolute_url() and not section.items[0].overdue
    SignoffRequest.objects.filter(pk=gate_request.pk).update(due_on=world.today - datetime.timedelta(days=1))
    section = queue_of(world.person(SPONSOR), "signoffs-waiting")
    assert (section.total, section.overdue, section.items[0].overdue) == (1, 1, True)
    # The requester does not decide their own request: it is in their "requested" section instead.
    assert queue_of(world.owner, "signoffs-waiting").total == 0
    requested = queue_of(world.owner, "signoffs-requested")
    assert requested.items[0].title == gate_request.title
    assert requested.items[0].detail.startswith("Waiting for ")


def test_checklist_items_are_due_at_their_stage_and_overdue_once_the_project_moved_on(world):
    scientist = world.person(SCIENTIST)
    project = world.projects[0]
    section = queue_of(scientist, "checklist-items")
    assert [(item.title, item.overdue) for item in section.items] == [("Check number 1", False)]
    checklist = project.checklists.get()
    evaluation_item = checklist.version.items.get(key="ck-02-check")  # an Evaluation item: not due at Scoping
    checklists.item_response_update(actor=world.owner, checklist=checklist, item=evaluation_item, owner=scientist)
    assert queue_of(scientist, "checklist-items").total == 1
    Project.objects.filter(pk=project.pk).update(current_stage=Stage.EVALUATION)
    section = queue_of(scientist, "checklist-items")
    assert [(item.title, item.overdue) for item in section.items] == [
        ("Check number 1", True),
        ("Check number 2", False),
    ]
    assert section.overdue == 1
    assert "/checklists/" in section.items[0].url and section.items[0].url.endswith("/items/ck-01-check/")


def test_a_completed_checklist_item_leaves_the_queue(world):
    scientist = world.person(SCIENTIST)
    checklist = world.projects[0].checklists.get()
    item = checklist.version.items.get(key="ck-01-check")
    checklists.item_response_update(
        actor=scientist, checklist=checklist, item=item, status="not_applicable", justification="Covered elsewhere."
    )
    assert queue_of(scientist, "checklist-items").total == 0


def test_deliverables_due_are_the_owners_only(world):
    section = queue_of(world.person(PM), "deliverables")
    overdue = [item for item in section.items if item.overdue]
    assert len(overdue) == 1 and overdue[0].due_on == world.today - datetime.timedelta(days=3)
    assert queue_of(world.person(SCIENTIST), "deliverables").total == 0


def test_risks_due_for_review_are_the_owners_live_risks_due_within_the_week(world):
    scientist = world.person(SCIENTIST)
    expected = Risk.objects.filter(
        owner=scientist, status__in=LIVE_STATUSES, next_review_on__lte=world.today + datetime.timedelta(days=7)
    )
    section = queue_of(scientist, "risks")
    assert section.total == expected.count() >= 1
    assert section.items[0].title == "Aging risk" and section.items[0].overdue  # most overdue first
    assert section.overdue == expected.filter(next_review_on__lt=world.today).count() == 1


def test_incident_action_items_and_review_follow_ups_of_their_owner(world):
    scientist = world.person(SCIENTIST)
    actions = queue_of(scientist, "incident-actions")
    assert [(item.title, item.overdue) for item in actions.items] == [("Add a schema check", True)]
    follow_ups = queue_of(scientist, "review-actions")
    assert [(item.title, item.overdue) for item in follow_ups.items] == [("Re-run the fairness audit", True)]
    assert queue_of(world.person(CO), "incident-actions").total == 0


def test_reviews_this_week_are_the_series_whose_chair_or_attendee_role_you_hold(world):
    project = world.projects[0]
    cadence.series_create(
        actor=world.owner,
        project=project,
        kind=ReviewKind.WEEKLY,
        title="Daily stand-in review",
        starts_on=world.today - datetime.timedelta(days=14),
        rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        chair_role=Role.COMPLIANCE_OFFICER,
        attendee_roles=[Role.DATA_SCIENTIST],
    )
    monday = world.today - datetime.timedelta(days=world.today.weekday())
    expected_days = 7  # every day of the week
    chaired = [item for item in queue_of(world.person(CO), "reviews-this-week").items if "stand-in" in item.title]
    attended = [
        item for item in queue_of(world.person(SCIENTIST), "reviews-this-week").items if "stand-in" in item.title
    ]
    assert len(chaired) == len(attended) == expected_days
    assert chaired[0].due_on == monday and chaired[0].detail.startswith("You chair")
    assert attended[0].detail.startswith("You attend")
    assert not [item for item in queue_of(world.person(SPONSOR), "reviews-this-week").items if "stand-in" in item.title]


def test_reviews_this_week_show_the_first_lines_and_count_them_all(world):
    for title in ("Morning review", "Evening review"):
        cadence.series_create(
            actor=world.owner,
            project=world.projects[0],
            kind=ReviewKind.WEEKLY,
            title=title,
            starts_on=world.today - datetime.timedelta(days=14),
            rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
            chair_role=Role.COMPLIANCE_OFFICER,
        )
    section = queue_of(world.person(CO), "reviews-this-week")
    daily = [item for item in section.items if item.title in ("Morning review", "Evening review")]
    assert len(section.items) == LIST_LIMIT
    assert section.total >= 14 > LIST_LIMIT  # two meetings every day of the week, besides the defaults
    assert [item.due_on for item in section.items] == sorted(item.due_on for item in section.items)
    assert daily[0].due_on == world.today - datetime.timedelta(days=world.today.weekday())
    # The overdue count covers the meetings beyond the lines too: every earlier day of the week, twice.
    assert section.overdue >= 2 * world.today.weekday()


def test_risk_posture_counts_match_the_register(world):
    data = panel_of(world.person(CO), "risk-posture")
    live = Risk.objects.filter(project__in=world.projects, status__in=LIVE_STATUSES)
    cells = {
        (row["residual_impact"], row["residual_likelihood"]): row["n"]
        for row in live.values("residual_impact", "residual_likelihood").annotate(n=Count("id"))
    }
    shown = {(cell["impact"], cell["likelihood"]): cell["count"] for row in data["residual_heat_map"] for cell in row}
    assert {key: n for key, n in shown.items() if n} == cells
    assert data["summary"]["live"] == live.count()
    assert data["escalated"] == 1 and data["escalated_items"][0]["title"] == "Aging risk"
    assert data["acceptances_expiring"] == 1 and data["acceptances_expiring_items"][0]["title"] == "Accepted risk"
    assert data["acceptances_expiring_items"][0]["due_on"] == world.today + datetime.timedelta(days=5)


def test_incidents_panel_counts_open_incidents_by_severity(world):
    data = panel_of(world.person(CO), "open-incidents")
    assert data["open"] == Incident.objects.filter(project__in=world.projects).exclude(status="closed").count() == 1
    assert {row["severity"]: row["count"] for row in data["by_severity"]}["P2"] == 1
    assert data["overdue_reviews"] == 0


def test_unrecorded_reviews_panel_lists_meetings_past_without_a_record(world):
    data = panel_of(world.person(CO), "overdue-reviews")
    assert data["overdue"] == 1
    assert data["items"][0]["due_on"] == world.today - datetime.timedelta(days=10)


def test_audit_chain_panel_shows_the_latest_checkpoint(world):
    checkpoint = audit_checkpoint_record()
    data = panel_of(world.person(CO), "audit-chain")
    assert data["checkpoint"]["entry_count"] == checkpoint.entry_count
    assert data["checkpoint"]["head_hash"] == checkpoint.head_hash


def test_audit_chain_panel_shows_the_latest_verification(world):
    assert panel_of(world.person(CO), "audit-chain")["verification"] is None
    audit_chain_verification_run(trigger=ChainVerification.Trigger.NIGHTLY)
    latest = audit_chain_verification_run(trigger=ChainVerification.Trigger.COMMAND, checkpoint=False)
    data = panel_of(world.person(CO), "audit-chain")["verification"]
    assert (data["trigger"], data["intact"], data["entries_checked"]) == ("command", True, latest.entries_checked)
    assert (data["head_id"], data["head_hash"]) == (latest.head_id, latest.head_hash)
    assert data["first_broken_entry_id"] is None


def test_lifecycle_board_shows_each_gate_as_the_gate_page_words_it(world):
    data = panel_of(world.person(PM), "lifecycle-board")
    assert data["projects"] == 1 and data["awaiting_signoff"] == 1
    row = data["rows"][0]
    assert [cell["stage"] for cell in row["cells"]] == Stage.values
    scoping = row["cells"][0]
    assert (scoping["state"], scoping["label"], scoping["current"]) == (
        GateState.AWAITING_SIGNOFF,
        GateState.AWAITING_SIGNOFF.label,
        True,
    )
    assert {cell["state"] for cell in row["cells"][1:]} == {GateState.NOT_STARTED}


def test_sponsor_sees_the_gate_decision_waiting_for_them(world):
    data = panel_of(world.person(SPONSOR), "sponsor-decisions")
    assert (data["open"], data["waiting_for_you"]) == (1, 1)
    assert data["items"][0]["detail"].startswith("Waiting for you")


def test_business_case_uses_the_profile_formulas(world):
    project = world.projects[0]
    data = panel_of(world.person(SPONSOR), "business-case")
    row = data["rows"][0]
    assert Decimal(str(row["roi"])) == project.roi
    assert Decimal(str(row["payback_months"])) == project.payback_months
    assert data["roi"] == row["roi"] and data["projects_with_case"] == 1
    stages = panel_of(world.person(SPONSOR), "projects-by-stage")
    assert {row["stage"]: row["count"] for row in stages["stages"]}[Stage.SCOPING] == 1
