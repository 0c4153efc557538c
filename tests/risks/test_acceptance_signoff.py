"""Accepting a risk above the project's threshold: a sign-off by the Product Owner and the Security /
Compliance Officer through the sign-off engine, then expiry like any acceptance."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.notifications.models import Notification
from apps.notifications.services import notifications_send
from apps.projects.choices import Role
from apps.risks import services
from apps.risks.choices import NotificationKind, RiskStatus
from apps.risks.models import Risk, RiskAcceptance, RiskAcceptanceProposal
from apps.risks.tasks import expire_risk_acceptances
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import EventKind, Policy, RequestState
from apps.signoffs.models import SignoffRequest
from tests.factories import ProjectFactory

TODAY = datetime.date(2026, 3, 2)  # a Monday


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def approvers(project, team, member_of):
    """A second compliance officer: the first one requests, so someone else must fill the compliance slot."""
    return {"product_owner": team["owner"], "compliance": member_of(project, Role.COMPLIANCE_OFFICER)}


@pytest.fixture
def high_risk(make_risk):
    """Residual 4 x 3 = 12, above the default threshold of 4."""
    return make_risk(impact=4, likelihood=3, residual_impact=4, residual_likelihood=3, mitigation="Schema alerts")


def submit(risk, actor, *, days=90, note="Revenue impact is capped by the offer limit", **kwargs):
    return services.risk_accept(actor=actor, risk=risk, expires_on=in_days(days), note=note, **kwargs)


def approve_all(signoff, approvers):
    for person in approvers.values():
        signoff_services.signoff_decide(actor=person, signoff=signoff, approve=True)


# --- The service -----------------------------------------------------------------------------


def test_at_or_below_the_threshold_the_acceptance_takes_effect_directly(make_risk, team):
    risk = make_risk(residual_impact=2, residual_likelihood=2)
    acceptance = submit(risk, team["compliance"])
    assert isinstance(acceptance, RiskAcceptance) and acceptance.proposal is None
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED
    assert not SignoffRequest.objects.exists()


def test_above_the_threshold_a_signoff_request_is_opened_and_the_risk_is_not_accepted(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    assert isinstance(signoff, SignoffRequest)
    assert (signoff.state, signoff.policy, signoff.requested_by) == (RequestState.OPEN, Policy.ALL, team["compliance"])
    assert {slot.role for slot in signoff.approvers.all()} == {Role.PRODUCT_OWNER, Role.COMPLIANCE_OFFICER}
    assert signoff.due_on == in_days(services.SIGNOFF_DUE_DAYS)
    assert signoff.snapshot == {
        "risk": "R-001",
        "residual_impact": 4,
        "residual_likelihood": 3,
        "residual_score": 12,
        "mitigation": "Schema alerts",
        "accepted_until": in_days(90).isoformat(),
        "threshold": 4,
        "justification": "Revenue impact is capped by the offer limit",
    }
    assert isinstance(signoff.target, RiskAcceptanceProposal)
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.OPEN and high_risk.accepted_until is None
    assert not RiskAcceptance.objects.exists()


def test_the_signoff_is_due_in_a_week_or_on_the_given_date_never_after_the_expiry(make_risk, team, approvers):
    assert submit(make_risk(), team["compliance"], days=3).due_on == in_days(3)
    assert submit(make_risk(), team["compliance"], signoff_due_on=in_days(2)).due_on == in_days(2)
    with pytest.raises(ValidationError) as error:
        submit(make_risk(), team["compliance"], days=10, signoff_due_on=in_days(11))
    assert "signoff_due_on" in error.value.message_dict


def test_product_owner_and_compliance_approvals_accept_it_until_the_requested_date(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    signoff_services.signoff_decide(actor=approvers["product_owner"], signoff=signoff, approve=True)
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.OPEN  # one of two approvals: not yet

    signoff_services.signoff_decide(actor=approvers["compliance"], signoff=signoff, approve=True)
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.ACCEPTED and high_risk.accepted_until == in_days(90)
    acceptance = RiskAcceptance.objects.get()
    assert acceptance.proposal == signoff.target
    assert (acceptance.accepted_by, acceptance.residual_score, acceptance.threshold) == (team["compliance"], 12, 4)


def test_a_rejection_leaves_the_risk_unaccepted_and_its_reason_on_the_risk_page(
    client, project, high_risk, team, approvers
):
    signoff = submit(high_risk, team["compliance"])
    signoff_services.signoff_decide(
        actor=approvers["product_owner"], signoff=signoff, approve=False, note="Mitigate the schema drift first"
    )
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.OPEN and not RiskAcceptance.objects.exists()
    client.force_login(team["engineer"])
    page = client.get(high_risk.get_absolute_url()).content.decode()
    assert "Mitigate the schema drift first" in page and f"/projects/{project.slug}/signoffs/{signoff.pk}/" in page


def test_a_withdrawn_request_leaves_the_risk_as_it_was_and_a_new_one_can_be_submitted(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    with pytest.raises(ValidationError, match="already awaiting sign-off"):
        submit(high_risk, team["owner"])
    signoff_services.signoff_withdraw(actor=team["compliance"], signoff=signoff, note="Wrong expiry date")
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.OPEN
    assert submit(high_risk, team["compliance"], days=30).state == RequestState.OPEN


def test_the_requester_cannot_approve_their_own_acceptance(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    with pytest.raises(PermissionDenied, match="Separation of duties"):
        signoff_services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True)


def test_the_only_holder_of_a_signoff_role_cannot_request_it(high_risk, team):
    # The project has one Product Owner: if they requested, nobody could fill the Product Owner slot.
    with pytest.raises(ValidationError, match="only Product Owner of this project"):
        submit(high_risk, team["owner"])
    assert not SignoffRequest.objects.exists() and not RiskAcceptanceProposal.objects.exists()


def test_a_project_without_a_compliance_officer_is_told_so(make_risk, member_of):
    other = ProjectFactory()
    second_owner = member_of(other, Role.PRODUCT_OWNER)
    risk = make_risk(target=other, actor=other.owner, owner=None, residual_impact=4, residual_likelihood=3)
    with pytest.raises(ValidationError, match="No member of this project holds the role Security / Compliance"):
        submit(risk, second_owner)
    assert not RiskAcceptanceProposal.objects.exists()


@pytest.mark.parametrize(
    ("change", "changed_key"),
    [
        ({"mitigation": "Schema alerts and a data contract"}, "Mitigation: “Schema alerts” → “Schema alerts and a"),
        ({"residual_likelihood": 2}, "Residual likelihood: 3 → 2"),
    ],
)
def test_a_change_after_approval_invalidates_the_signoff_and_reopens_the_risk(
    high_risk, team, approvers, change, changed_key
):
    signoff = submit(high_risk, team["compliance"])
    approve_all(signoff, approvers)
    risk = services.risk_update(actor=team["engineer"], risk=Risk.objects.get(pk=high_risk.pk), **change)
    assert risk.status == RiskStatus.OPEN and risk.accepted_until is None
    signoff.refresh_from_db()
    assert signoff.state == RequestState.INVALIDATED
    invalidation = signoff.events.get(kind=EventKind.INVALIDATED)
    assert changed_key in invalidation.note
    assert Risk.objects.get(pk=high_risk.pk).status == RiskStatus.OPEN


def test_a_change_outside_what_was_signed_keeps_the_acceptance(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    approve_all(signoff, approvers)
    risk = services.risk_update(actor=team["engineer"], risk=Risk.objects.get(pk=high_risk.pk), title="Renamed")
    assert risk.status == RiskStatus.ACCEPTED
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED


def test_a_change_while_pending_stops_the_decision(high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    services.risk_update(actor=team["engineer"], risk=high_risk, residual_likelihood=2)
    with pytest.raises(ValidationError, match="has changed since the request was opened"):
        signoff_services.signoff_decide(actor=approvers["product_owner"], signoff=signoff, approve=True)


def test_a_signed_off_acceptance_expires_like_any_other(make_risk, team, approvers):
    with time_machine.travel(TODAY, tick=False):
        risk = make_risk()
        approve_all(submit(risk, team["compliance"], days=30), approvers)
        notifications_send()  # the sign-off's own mails
        mail.outbox.clear()
    with time_machine.travel(TODAY + datetime.timedelta(days=30), tick=False):
        assert expire_risk_acceptances.delay().get() == {"expired": 0, "sent": 0}
    with time_machine.travel(TODAY + datetime.timedelta(days=31), tick=False):
        assert expire_risk_acceptances.delay().get() == {"expired": 1, "sent": 1}
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN and risk.accepted_until is None
    assert [message.to for message in mail.outbox] == [[team["engineer"].email]]
    assert Notification.objects.get(category="risks").kind == f"risk_{NotificationKind.ACCEPTANCE_EXPIRED}"


# --- Browser ---------------------------------------------------------------------------------


def test_accept_page_submits_for_signoff_and_the_risk_page_links_to_it(client, project, high_risk, team, approvers):
    client.force_login(team["compliance"])
    url = f"/projects/{project.slug}/risks/R-001/accept/"
    page = client.get(url).content.decode()
    assert "This acceptance needs a sign-off" in page and "Submit for sign-off" in page
    response = client.post(url, {"expires_on": in_days(60).isoformat(), "note": "Capped loss"}, follow=True)
    signoff = SignoffRequest.objects.get()
    body = response.content.decode()
    assert "submitted for sign-off" in body and "you cannot approve it yourself" in body
    assert "Acceptance awaiting sign-off" in body and signoff.get_absolute_url() in body
    assert "Accept risk</a>" not in body  # one acceptance decision at a time

    client.force_login(approvers["product_owner"])
    signoff_page = client.get(signoff.get_absolute_url()).content.decode()
    assert "R-001" in signoff_page and "Capped loss" in signoff_page and "Approve" in signoff_page
    client.post(signoff.get_absolute_url(), {"action": "approve"})
    client.force_login(approvers["compliance"])
    client.post(signoff.get_absolute_url(), {"action": "approve", "note": "OK with the cap"})
    high_risk.refresh_from_db()
    assert high_risk.status == RiskStatus.ACCEPTED and high_risk.accepted_until == in_days(60)


def test_requester_sees_why_they_cannot_approve(client, high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"])
    client.force_login(team["compliance"])
    response = client.post(signoff.get_absolute_url(), {"action": "approve"}, follow=True)
    assert "Separation of duties" in response.content.decode()
    signoff.refresh_from_db()
    assert signoff.state == RequestState.OPEN


def test_accept_page_warns_the_only_product_owner_and_disables_the_button(client, project, high_risk, team):
    client.force_login(team["owner"])
    url = f"/projects/{project.slug}/risks/R-001/accept/"
    page = client.get(url).content.decode()
    assert "you are the only Product Owner of this project" in page and "disabled" in page
    response = client.post(url, {"expires_on": in_days(30).isoformat(), "note": "ok"})
    assert response.status_code == 200 and "Separation of duties" in response.content.decode()
    assert not SignoffRequest.objects.exists()


def test_editing_what_was_signed_says_the_acceptance_is_void(client, project, high_risk, team, approvers):
    approve_all(submit(high_risk, team["compliance"]), approvers)
    client.force_login(team["engineer"])
    form = {
        "title": high_risk.title,
        "description": "",
        "category": high_risk.category,
        "stage": "",
        "impact": 4,
        "likelihood": 3,
        "owner": team["engineer"].pk,
        "mitigation": "New mitigation",
        "residual_impact": 4,
        "residual_likelihood": 3,
        "status": RiskStatus.ACCEPTED,
        "review_frequency": "weekly",
    }
    response = client.post(f"/projects/{project.slug}/risks/R-001/edit/", form, follow=True)
    assert "sign-off is invalidated" in response.content.decode()
    assert Risk.objects.get(pk=high_risk.pk).status == RiskStatus.OPEN


# --- API ---------------------------------------------------------------------------------------


def test_api_accept_answers_202_with_the_signoff_request_and_approvers_decide_through_the_api(
    api_client, project, high_risk, team, approvers
):
    api_client.force_authenticate(team["compliance"])
    response = api_client.post(
        f"/api/v1/projects/{project.slug}/risks/R-001/accept/",
        {"expires_on": in_days(45).isoformat(), "note": "Capped loss"},
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    signoff = SignoffRequest.objects.get()
    assert body["signoff_request"] == signoff.pk and body["state"] == "open"
    assert body["url"] == f"/projects/{project.slug}/signoffs/{signoff.pk}/"
    assert set(body["approvers"]) == {"Product Owner", Role.COMPLIANCE_OFFICER.label}
    assert api_client.get(f"/api/v1/projects/{project.slug}/risks/R-001/").json()["status"] == "open"

    for person in approvers.values():
        api_client.force_authenticate(person)
        decided = api_client.post(
            f"/api/v1/projects/{project.slug}/signoffs/{signoff.pk}/decide/", {"approve": True}, format="json"
        )
        assert decided.status_code == 200, decided.json()
    risk = api_client.get(f"/api/v1/projects/{project.slug}/risks/R-001/").json()
    assert (risk["status"], risk["accepted_until"]) == ("accepted", in_days(45).isoformat())


def test_api_accept_below_the_threshold_answers_201(api_client, project, make_risk, team):
    make_risk(residual_impact=1, residual_likelihood=3)
    api_client.force_authenticate(team["compliance"])
    response = api_client.post(
        f"/api/v1/projects/{project.slug}/risks/R-001/accept/", {"expires_on": in_days(30).isoformat(), "note": "Low"}
    )
    assert response.status_code == 201 and response.json()["residual_score"] == 3


def test_api_surfaces_why_a_signoff_cannot_be_requested(api_client, project, high_risk, team):
    api_client.force_authenticate(team["owner"])
    response = api_client.post(
        f"/api/v1/projects/{project.slug}/risks/R-001/accept/", {"expires_on": in_days(30).isoformat(), "note": "x"}
    )
    assert response.status_code == 400
    assert "Separation of duties" in response.json()["error"]["message"]


def test_approvers_see_the_risk_and_what_they_sign_next_to_their_decision(client, high_risk, team, approvers):
    signoff = submit(high_risk, team["compliance"], note="Offer cap limits the loss")
    client.force_login(approvers["product_owner"])
    page = client.get(signoff.get_absolute_url()).content.decode()
    evidence = page[page.index("What is being signed") : page.index("History")]
    assert high_risk.code in evidence and high_risk.title in evidence
    assert "Schema alerts" in evidence and "Offer cap limits the loss" in evidence
    assert "impact 4 × likelihood 3" in evidence and "above this project" in evidence
