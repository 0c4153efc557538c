"""Overdue reminders: every overdue request in one run, a fixed number of queries per batch."""

import datetime

import pytest

from apps.notifications.models import Notification
from apps.projects.choices import Role
from apps.signoffs import services
from apps.signoffs.notifications import send_overdue_signoff_reminders
from tests.factories import ProjectFactory

from .test_engine import open_request


@pytest.fixture
def overdue_requests(charter, due, member_of):
    def make(count: int) -> list:
        requests = []
        for _ in range(count):
            project = ProjectFactory()
            compliance = member_of(project, Role.COMPLIANCE_OFFICER)
            member_of(project, Role.ETHICS_REVIEWER)
            signoff = open_request(project, due)
            # One approver already decided: only the other one is still waited for.
            services.signoff_decide(actor=compliance, signoff=signoff, approve=True)
            requests.append(signoff)
        return requests

    return make


@pytest.mark.parametrize("count", [2, 12])
def test_reminders_cost_the_same_queries_per_batch_whatever_the_backlog(
    count, overdue_requests, due, django_assert_max_num_queries
):
    overdue_requests(count)
    later = due + datetime.timedelta(days=2)
    with django_assert_max_num_queries(14):
        assert send_overdue_signoff_reminders(today=later, batch_size=50) == count  # the ethics reviewer each
    reminded = Notification.objects.filter(kind="signoff_overdue")
    assert set(reminded.values_list("recipient__memberships__role", flat=True)) == {Role.ETHICS_REVIEWER}
    assert send_overdue_signoff_reminders(today=later, batch_size=50) == 0  # once per request, person and day


def test_reminders_take_every_batch_in_one_run(overdue_requests, due):
    requests = overdue_requests(5)
    later = due + datetime.timedelta(days=2)
    assert send_overdue_signoff_reminders(today=later, batch_size=2) == 5
    assert set(Notification.objects.filter(kind="signoff_overdue").values_list("target_id", flat=True)) == {
        r.pk for r in requests
    }
