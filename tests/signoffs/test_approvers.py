"""Approvers come from one hook, and a request nobody could approve is never opened."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.projects.choices import Role
from apps.projects.models import Project
from apps.signoffs import services
from apps.signoffs.approvers import (
    ApproverSpec,
    approvers_for,
    register_approver_provider,
    unregister_approver_provider,
)
from apps.signoffs.choices import Policy
from apps.signoffs.models import SignoffRequest


@pytest.fixture
def provider():
    """A provider whose answer the test sets (None: pass to the next provider or the default)."""
    answer = {"spec": None}

    def provide(target):
        return answer["spec"]

    register_approver_provider(Project, provide)
    yield answer
    unregister_approver_provider(Project, provide)


def test_the_adapter_default_applies_when_no_provider_answers(charter, project, provider):
    assert approvers_for(project) == ApproverSpec()
    with pytest.raises(ValidationError, match="Name at least one approver"):
        services.signoff_request(actor=project.owner, target=project, due_on=_due())


def test_a_registered_provider_names_the_approvers_and_its_source_is_stored(charter, project, team, provider):
    provider["spec"] = ApproverSpec(
        roles=(Role.COMPLIANCE_OFFICER,), people=(team["ethics"],), policy=Policy.ANY, source="RACI matrix"
    )
    signoff = services.signoff_request(actor=project.owner, target=project, due_on=_due())
    assert [(slot.role, slot.user) for slot in signoff.approvers.all()] == [
        (Role.COMPLIANCE_OFFICER, None),
        ("", team["ethics"]),
    ]
    assert signoff.policy == Policy.ANY and signoff.approvers_source == "RACI matrix"


def test_explicit_approvers_win_over_the_hook(charter, project, team, provider):
    provider["spec"] = ApproverSpec(roles=(Role.COMPLIANCE_OFFICER,), source="hook")
    signoff = services.signoff_request(
        actor=project.owner, target=project, due_on=_due(), approvers=ApproverSpec(roles=(Role.ETHICS_REVIEWER,))
    )
    assert [slot.role for slot in signoff.approvers.all()] == [Role.ETHICS_REVIEWER]
    assert signoff.approvers_source == ""


def test_a_slot_only_the_requester_holds_is_refused_with_its_name_and_who_to_add(charter, project, team):
    with pytest.raises(ValidationError) as refused:
        services.signoff_request(
            actor=project.owner,
            target=project,
            due_on=_due(),
            approvers=ApproverSpec(roles=(Role.COMPLIANCE_OFFICER, Role.PRODUCT_OWNER)),
        )
    message = " ".join(refused.value.messages)
    assert "approver slot Product Owner" in message
    assert "add another member with the role Product Owner, or ask them to submit" in message
    assert not SignoffRequest.objects.exists()


def test_a_slot_nobody_holds_or_only_a_deactivated_member_holds_is_refused(charter, project, member_of):
    with pytest.raises(ValidationError, match="slot Domain SME: no member of this project holds that role"):
        services.signoff_request(
            actor=project.owner, target=project, due_on=_due(), approvers=ApproverSpec(roles=(Role.DOMAIN_SME,))
        )
    gone = member_of(project, Role.DOMAIN_SME)
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError, match="Add a member with the role Domain SME"):
        services.signoff_request(
            actor=project.owner, target=project, due_on=_due(), approvers=ApproverSpec(roles=(Role.DOMAIN_SME,))
        )
    assert not SignoffRequest.objects.exists()


def _due():
    return timezone.localdate() + datetime.timedelta(days=7)
