"""Series, meetings and their records: the rules of services.py."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cadence import selectors, services
from apps.cadence.choices import KIND_CADENCE, OccurrenceStatus, ReviewKind
from apps.cadence.models import ReviewDecision, ReviewOccurrence
from apps.core.cadence import next_after
from apps.core.models import AppendOnlyError
from apps.projects.choices import Role
from apps.risks.models import RiskReview
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState
from tests.factories import ProjectFactory, UserFactory

from .conftest import TODAY

D = datetime.date
pytestmark = pytest.mark.django_db


def _record(series, team, day=TODAY, **fields):
    values = {
        "actor": team["pm"],
        "series": series,
        "scheduled_on": day,
        "held_on": day,
        "attendees": [team["pm"], team["scientist"]],
        "chair": team["owner"],
        "decisions": ["Retrain on the November data"],
        **fields,
    }
    return services.occurrence_record(**values)


def test_series_stores_its_rule_not_dates(weekly, today):
    assert weekly.rule == "FREQ=WEEKLY;BYDAY=MO"
    assert ReviewOccurrence.objects.count() == 0
    assert weekly.next_on(today) == D(2026, 12, 7)


def test_default_series_weekly_monthly_quarterly(project, today):
    by_kind = {series.kind: series for series in project.review_series.all()}
    assert by_kind[ReviewKind.WEEKLY].next_on(today) == D(2026, 12, 7)
    assert by_kind[ReviewKind.MONTHLY].next_on(today) == D(2026, 12, 30)
    # Three calendar months after 30 Nov is 28 Feb (no 30 Feb), then back to the 30th.
    quarterly = by_kind[ReviewKind.QUARTERLY]
    assert quarterly.next_on(today) == D(2027, 2, 28)
    assert quarterly.next_on(D(2027, 2, 28)) == D(2027, 5, 30)
    assert services.series_defaults_apply(actor=project.owner, project=project) == []  # idempotent


def test_record_a_weekly_review_with_attendees_decision_and_action(weekly, team, today):
    occurrence = _record(
        weekly,
        team,
        actions=[{"title": "Re-run the drift check", "owner": team["engineer"], "due_on": D(2026, 12, 4)}],
        minutes="Short meeting.",
    )
    assert occurrence.status == OccurrenceStatus.HELD
    assert set(occurrence.attendees.all()) == {team["pm"], team["scientist"], team["owner"]}
    assert [d.text for d in occurrence.decisions.all()] == ["Retrain on the November data"]
    assert occurrence.actions.get().owner == team["engineer"]


def test_attendee_without_manage_reviews_records_nothing(weekly, team, today):
    with pytest.raises(PermissionDenied):
        _record(weekly, team, actor=team["scientist"])
    assert ReviewOccurrence.objects.count() == 0


def test_outsiders_cannot_attend_or_own_actions(weekly, team, today):
    stranger = UserFactory()
    with pytest.raises(ValidationError, match="members"):
        _record(weekly, team, attendees=[team["pm"], stranger])
    with pytest.raises(ValidationError, match="members"):
        _record(weekly, team, actions=[{"title": "x", "owner": stranger, "due_on": D(2026, 12, 4)}])


def test_no_meeting_on_a_date_the_rule_does_not_give(weekly, team, today):
    with pytest.raises(ValidationError, match="no meeting"):
        _record(weekly, team, day=D(2026, 11, 24), held_on=D(2026, 11, 24))


def test_cannot_record_a_meeting_in_the_future(weekly, team, today):
    with pytest.raises(ValidationError, match="happened"):
        _record(weekly, team, day=D(2026, 12, 7), held_on=D(2026, 12, 7))


def test_decisions_are_append_only(weekly, team, today):
    decision = _record(weekly, team).decisions.get()
    decision.text = "changed"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        ReviewDecision.objects.filter(pk=decision.pk).delete()


def test_risk_reviewed_in_the_meeting_is_marked_reviewed(weekly, team, make_risk, today):
    risk = make_risk()
    with time_machine.travel(datetime.datetime(2026, 12, 14, 9, tzinfo=datetime.UTC), tick=False):
        agenda = selectors.agenda_prepare(series=weekly, day=D(2026, 12, 14))
        assert risk.pk in selectors.agenda_risk_ids(agenda)
        occurrence = _record(weekly, team, day=D(2026, 12, 14), held_on=D(2026, 12, 14), reviewed_risks=[risk])
    review = RiskReview.objects.get(risk=risk)
    assert review.reviewed_by == team["pm"]
    assert str(occurrence) in review.note
    risk.refresh_from_db()
    assert risk.next_review_on == D(2026, 12, 21)
    assert list(occurrence.reviewed_risks.all()) == [risk]


def test_missed_meeting_stays_missed_when_the_rule_changes(weekly, team, today):
    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, tzinfo=datetime.UTC), tick=False):
        _record(weekly, team, day=D(2026, 12, 7), held_on=D(2026, 12, 7))
        weekly = services.series_update(actor=team["owner"], series=weekly, rule="FREQ=WEEKLY;BYDAY=TU")
        occurrences = selectors.series_occurrences(series_list=[weekly], first=D(2026, 11, 30), last=D(2026, 12, 31))
        statuses = {o.scheduled_on: o.status for o in occurrences}
    assert statuses[D(2026, 11, 30)] == OccurrenceStatus.MISSED
    assert statuses[D(2026, 12, 7)] == OccurrenceStatus.HELD
    assert statuses[D(2026, 12, 14)] == OccurrenceStatus.OVERDUE
    # The new rule (Tuesdays) starts today; its earlier Tuesdays never were meetings.
    assert statuses[D(2026, 12, 15)] == OccurrenceStatus.DUE
    assert statuses[D(2026, 12, 22)] == OccurrenceStatus.UPCOMING
    assert {D(2026, 12, 1), D(2026, 12, 8), D(2026, 12, 21)}.isdisjoint(statuses)


def test_pause_stops_scheduling_and_resume_restarts(weekly, team, today):
    services.series_pause(actor=team["owner"], series=weekly)
    weekly.refresh_from_db()
    assert weekly.next_on(today) is None
    assert weekly.dates_between(today, today + datetime.timedelta(days=30)) == [today]  # today's meeting stays
    services.series_resume(actor=team["owner"], series=weekly)
    weekly.refresh_from_db()
    assert weekly.next_on(today) == D(2026, 12, 7)


def test_ad_hoc_review_is_scheduled_by_date(make_series, team, today):
    series = make_series(kind=ReviewKind.AD_HOC, title="Incident review")
    assert series.rule == ""
    occurrence = services.occurrence_schedule(actor=team["pm"], series=series, scheduled_on=D(2026, 12, 3))
    assert occurrence.status == OccurrenceStatus.UPCOMING
    with pytest.raises(ValidationError):
        services.occurrence_schedule(actor=team["pm"], series=series, scheduled_on=D(2026, 12, 3))


def test_chair_attests_the_record_through_the_signoff_engine(weekly, team, today):
    occurrence = _record(weekly, team)
    signoff = services.attestation_current(occurrence)
    assert signoff.state == RequestState.OPEN
    signoff_services.signoff_decide(actor=team["owner"], signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED
    # A decision added after the attestation changes what was signed: the attestation is void.
    services.decision_add(actor=team["pm"], occurrence=occurrence, text="Also: freeze features")
    signoff.refresh_from_db()
    assert signoff.state == RequestState.INVALIDATED


def test_chair_who_recorded_cannot_attest_own_record(weekly, team, today):
    occurrence = _record(weekly, team, actor=team["owner"])
    assert services.attestation_current(occurrence) is None
    with pytest.raises(ValidationError, match="someone else"):
        services.attestation_request(actor=team["owner"], occurrence=occurrence)
    assert services.attestation_request(actor=team["pm"], occurrence=occurrence).state == RequestState.OPEN


def test_action_owner_marks_own_action_done(weekly, team, today):
    occurrence = _record(weekly, team, actions=[{"title": "Fix", "owner": team["engineer"], "due_on": D(2026, 12, 4)}])
    action = occurrence.actions.get()
    assert services.action_complete(actor=team["engineer"], action=action).done_on == today
    with pytest.raises(PermissionDenied):
        services.action_complete(actor=team["scientist"], action=action, done=False)


def test_materialize_writes_past_meetings_once(weekly, team, today):
    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, tzinfo=datetime.UTC), tick=False):
        assert services.occurrences_materialize() > 0
        assert services.occurrences_materialize() == 0
    made = ReviewOccurrence.objects.filter(series=weekly).order_by("scheduled_on")
    assert list(made.values_list("scheduled_on", flat=True)) == [
        D(2026, 11, 30),
        D(2026, 12, 7),
        D(2026, 12, 14),
    ]


def test_chair_role_member_suggested_for_series(team, make_series, today):
    series = make_series(chair_role=Role.COMPLIANCE_OFFICER, rule="")
    assert series.rule  # the kind's cadence when none is given


def test_a_project_with_past_meetings_can_still_be_deleted_with_its_series(weekly, team, today):
    """Series and their written-down meetings go with their project (the project decides whether it may go)."""
    from apps.projects.services import project_delete

    with time_machine.travel(datetime.datetime(2026, 12, 15, 9, tzinfo=datetime.UTC), tick=False):
        services.occurrences_materialize()
    project_delete(actor=team["owner"], project=weekly.project)
    assert not ReviewOccurrence.objects.exists()


def test_new_project_gets_three_default_series_with_calendar_month_next_dates():
    """Done-when: a project started on 31 January meets weekly from 7 February, monthly on the last
    day of each month that lacks a 31st, quarterly three calendar months later."""
    with time_machine.travel(datetime.datetime(2027, 1, 31, 10, tzinfo=datetime.UTC), tick=False):
        project = ProjectFactory()
        by_kind = {series.kind: series for series in project.review_series.all()}
        start = D(2027, 1, 31)
        assert set(by_kind) == {ReviewKind.WEEKLY, ReviewKind.MONTHLY, ReviewKind.QUARTERLY}
        expected = {
            ReviewKind.WEEKLY: [D(2027, 2, 7), D(2027, 2, 14), D(2027, 2, 21)],
            ReviewKind.MONTHLY: [D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)],
            ReviewKind.QUARTERLY: [D(2027, 4, 30), D(2027, 7, 31), D(2027, 10, 31)],
        }
        for kind, dates in expected.items():
            series = by_kind[kind]
            got, day = [], start
            for _ in dates:
                day = series.next_on(day)
                got.append(day)
            assert got == dates, kind
            # The same dates as the platform's cadence arithmetic (start + k calendar months).
            cadence = KIND_CADENCE[kind]
            assert got[1] == next_after(cadence, start, got[0])
        assert by_kind[ReviewKind.WEEKLY].chair_role == Role.PRODUCT_OWNER
        assert by_kind[ReviewKind.QUARTERLY].chair_role == Role.COMPLIANCE_OFFICER


def test_recorded_meetings_keep_a_project_from_deletion_and_a_retired_project_is_read_only(weekly, team, today):
    from apps.projects.services import project_delete, project_retire

    _record(weekly, team)
    with pytest.raises(ValidationError, match="recorded review meetings"):
        project_delete(actor=team["owner"], project=weekly.project)
    project_retire(actor=team["owner"], project=weekly.project, reason="Model decommissioned")
    weekly.refresh_from_db()
    with pytest.raises(ValidationError, match="retired"):
        services.decision_add(actor=team["pm"], occurrence=ReviewOccurrence.objects.get(), text="Too late")
    with pytest.raises(ValidationError, match="retired"):
        services.series_pause(actor=team["owner"], series=weekly)
