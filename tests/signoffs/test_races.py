"""Concurrent decisions on real PostgreSQL: row locks keep the events and the state consistent."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from apps.signoffs import services
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import EventKind, Policy, RequestState
from apps.signoffs.models import SignoffRequest
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row-lock races need PostgreSQL (SQLite serialises writers by locking the whole file)")


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvers_deciding_at_once_close_an_any_request_exactly_once(charter, project, team, due, attempt):
    signoff = services.signoff_request(
        actor=project.owner,
        target=project,
        due_on=due,
        approvers=ApproverSpec(roles=("compliance_officer", "ethics_reviewer"), policy=Policy.ANY),
    )
    errors = race(
        lambda: services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True),
        lambda: services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True),
    )
    assert len(errors) == 1 and isinstance(errors[0], ValidationError | PermissionDenied), errors
    signoff = SignoffRequest.objects.get(pk=signoff.pk)
    assert signoff.state == RequestState.APPROVED
    assert signoff.events.filter(kind=EventKind.APPROVED).count() == 1
    assert len(charter.closed) == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_decision_racing_a_withdrawal_leaves_one_consistent_outcome(charter, project, team, due, attempt):
    signoff = services.signoff_request(
        actor=project.owner, target=project, due_on=due, approvers=ApproverSpec(roles=("ethics_reviewer",))
    )
    errors = race(
        lambda: services.signoff_decide(actor=team["ethics"], signoff=signoff, approve=True),
        lambda: services.signoff_withdraw(actor=project.owner, signoff=signoff),
    )
    assert len(errors) == 1 and isinstance(errors[0], ValidationError | PermissionDenied), errors
    signoff = SignoffRequest.objects.get(pk=signoff.pk)
    kinds = list(signoff.events.exclude(kind=EventKind.REQUESTED).values_list("kind", flat=True))
    assert len(kinds) == 1
    assert signoff.state == (RequestState.APPROVED if kinds == [EventKind.APPROVED] else RequestState.WITHDRAWN)
