import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AppendOnlyError
from apps.projects import services as project_services
from apps.projects.choices import Role
from apps.signoffs import services
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import EventKind, Policy, RequestState
from apps.signoffs.models import SignoffEvent
from apps.signoffs.selectors import signoff_inbox

ROLES = [Role.COMPLIANCE_OFFICER, Role.ETHICS_REVIEWER]


def open_request(project, due, actor=None, **kwargs):
    kwargs.setdefault("roles", ROLES)
    spec = ApproverSpec(**{**kwargs, "roles": tuple(kwargs["roles"]), "people": tuple(kwargs.get("people", ()))})
    return services.signoff_request(actor=actor or project.owner, target=project, due_on=due, approvers=spec)


def test_all_policy_needs_every_named_role(charter, project, team, due):
    signoff = open_request(project, due)
    services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.OPEN
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True, note="Fairness review complete")
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED and signoff.closed_at is not None
    assert charter.closed == [(signoff.pk, RequestState.APPROVED, "Fairness review complete")]


def test_any_policy_closes_on_the_first_approval(charter, project, team, due):
    signoff = open_request(project, due, policy=Policy.ANY)
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED


def test_n_of_m_policy(charter, project, team, due):
    signoff = open_request(project, due, roles=[*ROLES, Role.PRODUCT_MANAGER], policy=Policy.N_OF_M, required_count=2)
    services.signoff_decide(actor=team["pm"], signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.OPEN
    services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED


def test_n_must_fit_the_named_approvers(charter, project, team, due):
    with pytest.raises(ValidationError, match="between 1 and 2"):
        open_request(project, due, policy=Policy.N_OF_M, required_count=3)


def test_a_rejection_closes_the_request_and_needs_a_reason(charter, project, team, due):
    signoff = open_request(project, due)
    with pytest.raises(ValidationError, match="why you reject"):
        services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=False)
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=False, note="Subgroup gap too large")
    signoff.refresh_from_db()
    assert signoff.state == RequestState.REJECTED
    assert charter.closed[-1] == (signoff.pk, RequestState.REJECTED, "Subgroup gap too large")


def test_the_requester_cannot_approve_their_own_request(charter, project, team, due):
    project_services.membership_add(actor=project.owner, project=project, user=team["pm"], role=Role.COMPLIANCE_OFFICER)
    signoff = open_request(project, due, actor=team["pm"])
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        services.signoff_decide(actor=team["pm"], signoff=signoff, approve=True)


def test_one_person_cannot_fill_two_required_roles(charter, project, team, due):
    person = team["compliance"]
    project_services.membership_add(actor=project.owner, project=project, user=person, role=Role.ETHICS_REVIEWER)
    signoff = open_request(project, due)
    services.signoff_decide(actor=person, signoff=signoff, approve=True)
    with pytest.raises(ValidationError, match="one person fills one approver slot"):
        services.signoff_decide(actor=person, signoff=signoff, approve=True)
    signoff.refresh_from_db()
    assert signoff.state == RequestState.OPEN


def test_people_who_are_not_named_cannot_decide(charter, project, team, due):
    signoff = open_request(project, due)
    with pytest.raises(PermissionDenied, match="not one of the approvers"):
        services.signoff_decide(actor=team["pm"], signoff=signoff, approve=True)


def test_named_people_must_be_members_and_roles_must_be_staffed(charter, project, team, due, outsider):
    with pytest.raises(ValidationError, match="must be project members"):
        open_request(project, due, roles=[], people=[outsider])
    with pytest.raises(ValidationError, match="Domain SME"):
        open_request(project, due, roles=[Role.DOMAIN_SME])


def test_a_closed_request_cannot_change(charter, project, team, due):
    signoff = open_request(project, due, policy=Policy.ANY)
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    with pytest.raises(ValidationError, match="already approved"):
        services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True)
    with pytest.raises(ValidationError, match="already approved"):
        services.signoff_withdraw(actor=project.owner, signoff=signoff)


def test_only_the_requester_withdraws(charter, project, team, due):
    signoff = open_request(project, due)
    with pytest.raises(PermissionDenied):
        services.signoff_withdraw(actor=team["ethics"], signoff=signoff)
    services.signoff_withdraw(actor=project.owner, signoff=signoff, note="Criteria changing")
    signoff.refresh_from_db()
    assert signoff.state == RequestState.WITHDRAWN
    assert [e.kind for e in signoff.events.all()] == [EventKind.REQUESTED, EventKind.WITHDRAWN]


def test_a_change_after_approval_invalidates_the_sign_off_and_says_what_changed(charter, project, team, due):
    signoff = open_request(project, due, policy=Policy.ANY)
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    assert services.signoff_check_current(target=project) is None
    project_services.project_update(actor=project.owner, project=project, minimum_threshold="AUC-ROC ≥ 0.70")
    invalidated = services.signoff_check_current(target=project)
    assert invalidated.pk == signoff.pk
    signoff.refresh_from_db()
    assert signoff.state == RequestState.INVALIDATED
    event = signoff.events.get(kind=EventKind.INVALIDATED)
    assert "Threshold: “AUC-ROC ≥ 0.80” → “AUC-ROC ≥ 0.70”" in event.note and event.fingerprint != signoff.fingerprint
    assert charter.closed[-1][1] == RequestState.INVALIDATED


def test_decisions_are_refused_when_the_content_changed_since_submission(charter, project, team, due):
    signoff = open_request(project, due)
    project_services.project_update(actor=project.owner, project=project, primary_metric="PR-AUC")
    with pytest.raises(ValidationError, match="resubmitted"):
        services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)


def test_each_decision_stores_the_fingerprint_it_signed(charter, project, team, due):
    signoff = open_request(project, due)
    event = services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    assert event.fingerprint == signoff.fingerprint and len(event.fingerprint) == 64


def test_state_is_what_the_events_say(charter, project, team, due):
    signoff = open_request(project, due)
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=False, note="No DPIA")
    signoff.refresh_from_db()
    derived = services.derive_state(signoff, list(signoff.events.all()), list(signoff.approvers.all()))
    assert derived == signoff.state == RequestState.REJECTED


def test_events_are_append_only(charter, project, team, due):
    event = open_request(project, due).events.get()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        SignoffEvent.objects.all().delete()


def test_only_one_open_request_per_target(charter, project, team, due):
    open_request(project, due)
    with pytest.raises(ValidationError, match="already open"):
        open_request(project, due)


def test_inbox_lists_what_waits_for_me_overdue_first(charter, project, team, due, django_assert_max_num_queries):
    signoff = open_request(project, due)
    assert list(signoff_inbox(user=team["ethics"])) == [signoff]
    assert list(signoff_inbox(user=project.owner)) == []  # the requester
    assert list(signoff_inbox(user=team["pm"])) == []  # not named
    services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True)
    assert list(signoff_inbox(user=team["ethics"])) == []
    with django_assert_max_num_queries(3):
        assert [r.pk for r in signoff_inbox(user=team["compliance"])] == [signoff.pk]
