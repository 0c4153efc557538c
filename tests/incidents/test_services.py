"""The incident's rules: codes, the status machine and its timestamps, the review and closing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from apps.incidents import services
from apps.incidents.calendar import add_business_days
from apps.incidents.choices import Category, EntryKind, Severity, Status, severity_from
from apps.incidents.models import Incident, TimelineEntry
from apps.signoffs import services as signoff_services
from apps.signoffs.models import SignoffRequest
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_codes_count_per_project_and_are_never_reused(make_incident, project):
    first, second = make_incident(), make_incident()
    other = make_incident(target=ProjectFactory(owner=project.owner), actor=project.owner)
    assert (first.code, second.code, other.code) == ("INC-001", "INC-002", "INC-001")
    Incident.objects.filter(pk=second.pk).delete()
    assert make_incident().code == "INC-003"


def test_severity_scales_map_onto_p1_to_p4():
    assert [severity_from(v) for v in ("SEV1", "sev2", "SEV3", "P4", "critical", "warning", "info")] == [
        Severity.P1,
        Severity.P2,
        Severity.P3,
        Severity.P4,
        Severity.P2,
        Severity.P3,
        Severity.P4,
    ]


def test_llm_categories_are_refused_on_a_classification_project(make_incident):
    with pytest.raises(ValidationError) as error:
        make_incident(category=Category.JAILBREAK_ATTEMPT)
    assert "category" in error.value.message_dict


def test_incident_roles_must_be_project_members(make_incident, outsider):
    with pytest.raises(ValidationError) as error:
        make_incident(commander=outsider)
    assert "commander" in error.value.message_dict


def test_transitions_keep_each_timestamp_and_compare_durations_with_the_targets(make_incident, team):
    detected = timezone.now() - datetime.timedelta(hours=2)
    incident = make_incident(detected_at=detected)
    incident = services.incident_transition(
        actor=team["mlops"], incident=incident, to=Status.ACKNOWLEDGED, at=detected + datetime.timedelta(minutes=3)
    )
    incident = services.incident_transition(
        actor=team["mlops"], incident=incident, to=Status.MITIGATED, at=detected + datetime.timedelta(minutes=40)
    )
    incident = services.incident_transition(
        actor=team["mlops"], incident=incident, to=Status.RESOLVED, at=detected + datetime.timedelta(minutes=95)
    )
    assert incident.time_to_acknowledge == datetime.timedelta(minutes=3)
    assert incident.acknowledge_target_met is True
    assert incident.time_to_mitigate == datetime.timedelta(minutes=40)
    assert incident.mitigate_target_met is False
    assert incident.duration == datetime.timedelta(minutes=95)
    kinds = list(TimelineEntry.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds.count(EntryKind.STATUS) == 4  # opened, acknowledged, mitigated, resolved


def test_resolving_directly_fills_the_skipped_steps_with_the_same_time(make_incident, team):
    incident = services.incident_transition(actor=team["mlops"], incident=make_incident(), to=Status.RESOLVED)
    assert incident.acknowledged_at == incident.mitigated_at == incident.resolved_at


def test_status_cannot_move_backwards_or_before_the_previous_step(make_incident, team):
    incident = services.incident_transition(actor=team["mlops"], incident=make_incident(), to=Status.MITIGATED)
    with pytest.raises(ValidationError):
        services.incident_transition(actor=team["mlops"], incident=incident, to=Status.ACKNOWLEDGED)
    with pytest.raises(ValidationError):
        services.incident_transition(
            actor=team["mlops"],
            incident=incident,
            to=Status.RESOLVED,
            at=incident.mitigated_at - datetime.timedelta(minutes=1),
        )


@override_settings(INCIDENT_HOLIDAY_COUNTRY="DE", INCIDENT_HOLIDAY_SUBDIVISION="", INCIDENT_EXTRA_HOLIDAYS=[])
def test_review_due_date_skips_a_weekend_and_a_holiday(make_incident, team):
    # Resolved on Thursday 2 October 2025; Friday 3 October is German Unity Day, 4-5 the weekend.
    resolved = datetime.datetime(2025, 10, 2, 15, 0, tzinfo=datetime.UTC)  # Thursday
    with time_machine.travel(resolved + datetime.timedelta(minutes=5), tick=False):
        incident = make_incident(detected_at=resolved - datetime.timedelta(hours=1))
        incident = services.incident_transition(actor=team["mlops"], incident=incident, to=Status.RESOLVED, at=resolved)
    # Fri 3 Oct is a holiday, 4-5 the weekend: Mon 6, Tue 7, Wed 8, Thu 9, Fri 10.
    assert incident.review.due_on == datetime.date(2025, 10, 10)
    assert add_business_days(datetime.date(2025, 10, 2), 5) == datetime.date(2025, 10, 10)


@override_settings(INCIDENT_HOLIDAY_COUNTRY="", INCIDENT_EXTRA_HOLIDAYS=["2026-12-24"])
def test_company_holidays_come_from_settings():
    # Wed 23 Dec 2026 + 1 business day: 24 Dec is a company holiday -> Fri 25 Dec (no country calendar).
    assert add_business_days(datetime.date(2026, 12, 23), 1) == datetime.date(2026, 12, 25)


def test_incident_cannot_close_without_an_approved_review(resolved_incident, team):
    with pytest.raises(ValidationError, match="approved post-incident review"):
        services.incident_close(actor=team["owner"], incident=resolved_incident)


def test_p2_review_is_signed_by_product_owner_and_compliance_then_the_incident_closes(resolved_incident, team):
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    assert sorted(signoff.approvers.values_list("role", flat=True)) == ["compliance_officer", "product_owner"]
    resolved_incident.refresh_from_db()
    assert resolved_incident.status == Status.REVIEW_DUE
    signoff_services.signoff_decide(actor=team["owner"], signoff=signoff, approve=True, note="")
    with pytest.raises(ValidationError):
        services.incident_close(actor=team["owner"], incident=resolved_incident)  # one approval of two
    signoff_services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True, note="")
    incident = services.incident_close(actor=team["owner"], incident=resolved_incident)
    assert incident.status == Status.CLOSED and incident.closed_at
    with pytest.raises(ValidationError, match="closed"):
        services.timeline_add(actor=team["owner"], incident=incident, text="Late note")


def test_p3_review_needs_the_product_owner_only(make_incident, team):
    incident = make_incident(severity=Severity.P3)
    incident = services.incident_transition(actor=team["mlops"], incident=incident, to=Status.RESOLVED)
    review = services.review_update(
        actor=team["mlops"], review=incident.review, root_cause="x", went_well="a", went_poorly="b", data_loss=False
    )
    signoff = services.review_submit(actor=team["mlops"], review=review)
    assert list(signoff.approvers.values_list("role", flat=True)) == ["product_owner"]


def test_rejected_review_returns_the_incident_to_resolved(resolved_incident, team):
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    signoff_services.signoff_decide(actor=team["owner"], signoff=signoff, approve=False, note="Root cause too thin")
    resolved_incident.refresh_from_db()
    assert resolved_incident.status == Status.RESOLVED
    assert TimelineEntry.objects.filter(incident=resolved_incident, text__contains="Root cause too thin").exists()


def test_changing_an_approved_review_voids_the_sign_off(resolved_incident, team):
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    for person in (team["owner"], team["compliance"]):
        signoff_services.signoff_decide(actor=person, signoff=signoff, approve=True, note="")
    services.review_update(actor=team["mlops"], review=resolved_incident.review, root_cause="Something else")
    assert SignoffRequest.objects.get(pk=signoff.pk).state == "invalidated"
    resolved_incident.refresh_from_db()
    assert resolved_incident.status == Status.RESOLVED
    assert resolved_incident.review.approved_at is None


def test_review_submission_lists_what_is_missing(make_incident, team):
    incident = services.incident_transition(actor=team["mlops"], incident=make_incident(), to=Status.RESOLVED)
    with pytest.raises(ValidationError) as error:
        services.review_submit(actor=team["mlops"], review=incident.review)
    assert "Describe the root cause." in error.value.messages


def test_timeline_entries_are_append_only(make_incident, team):
    entry = services.timeline_add(actor=team["scientist"], incident=make_incident(), text="Checked PSI: 0.31")
    entry.text = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        TimelineEntry.objects.filter(pk=entry.pk).update(text="changed")
    with pytest.raises(PermissionError):
        entry.delete()


def test_action_item_owner_is_a_member_and_done_needs_verification(resolved_incident, team, outsider):
    due = timezone.localdate() + datetime.timedelta(days=10)
    with pytest.raises(ValidationError):
        services.action_item_create(
            actor=team["owner"], incident=resolved_incident, title="x", owner=outsider, due_on=due
        )
    item = services.action_item_create(
        actor=team["owner"],
        incident=resolved_incident,
        title="Add schema contract test",
        owner=team["scientist"],
        due_on=due,
    )
    with pytest.raises(ValidationError):
        services.action_item_update(actor=team["scientist"], item=item, status="done")
    item = services.action_item_update(
        actor=team["scientist"], item=item, status="done", verification_note="Contract test in CI, PR #412"
    )
    assert item.completed_by == team["scientist"] and item.completed_at


def test_incident_opens_and_links_risks_through_the_register(make_incident, team):
    incident = make_incident()
    risk = services.incident_risk_open(
        actor=team["owner"],
        incident=incident,
        title="Feature schema changes unannounced",
        category="dependency_fragility",
        impact=4,
        likelihood=3,
    )
    assert risk.code == "R-001"
    assert list(incident.related_risks.all()) == [risk]
    with pytest.raises(ValidationError):
        services.incident_risk_link(actor=team["owner"], incident=incident, risk=risk)


def test_rollback_is_recorded_on_the_timeline(make_incident, team):
    incident = make_incident(rollback_target_version="churn-v12")
    incident = services.incident_rollback_record(actor=team["mlops"], incident=incident)
    assert incident.rolled_back_at
    assert TimelineEntry.objects.filter(incident=incident, kind=EntryKind.ROLLBACK, text__contains="churn-v12").exists()
