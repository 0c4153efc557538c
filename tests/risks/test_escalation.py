"""Aging and escalation under frozen time: owner first, then Product Owner and Compliance, each once."""

import datetime

import pytest
import time_machine
from django.core import mail

from apps.notifications.models import Notification
from apps.risks import services
from apps.risks.choices import Category, NotificationKind, ReviewFrequency
from apps.risks.models import Risk
from apps.risks.tasks import escalate_aging_risks

CREATED = datetime.date(2026, 3, 2)
DUE = CREATED + datetime.timedelta(days=7)  # weekly review


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7, 0)), tick=False)


def recipients() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject.split(":")[0].split("] ")[1]) for message in mail.outbox)


@pytest.fixture
def weekly_risk(make_risk):
    with on(CREATED):
        return make_risk(review_frequency=ReviewFrequency.WEEKLY)


def test_a_risk_is_aging_only_after_its_review_date_has_passed(weekly_risk):
    with on(DUE):
        assert not Risk.objects.aging().exists() and not Risk.objects.get().is_aging
    with on(DUE + datetime.timedelta(days=1)):
        assert Risk.objects.aging().get() == weekly_risk
        assert Risk.objects.get().days_overdue == 1


def test_escalation_goes_to_the_owner_first_then_to_product_owner_and_compliance(weekly_risk, team):
    with on(DUE):
        escalate_aging_risks.delay()
    assert mail.outbox == []
    with on(DUE + datetime.timedelta(days=1)):
        escalate_aging_risks.delay()
    assert recipients() == [(team["engineer"].email, "Review overdue")]
    with on(DUE + datetime.timedelta(days=7)):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 1
    with on(DUE + datetime.timedelta(days=8)):
        escalate_aging_risks.delay()
    assert recipients() == sorted(
        [
            (team["engineer"].email, "Review overdue"),
            (team["owner"].email, "Escalation — review overdue"),
            (team["compliance"].email, "Escalation — review overdue"),
        ]
    )
    kinds = set(Notification.objects.filter(category="risks").values_list("kind", "recipient"))
    assert kinds == {
        (f"risk_{NotificationKind.AGING_OWNER}", team["engineer"].pk),
        (f"risk_{NotificationKind.AGING_ESCALATION}", team["owner"].pk),
        (f"risk_{NotificationKind.AGING_ESCALATION}", team["compliance"].pk),
    }


def test_the_escalation_task_run_twice_sends_each_reminder_once(weekly_risk, team):
    with on(DUE + datetime.timedelta(days=10)):
        first = escalate_aging_risks.delay().get()
        second = escalate_aging_risks.delay().get()
    assert first == {"due": 3, "sent": 3}
    assert second == {"due": 3, "sent": 0}
    assert len(mail.outbox) == 3
    assert Notification.objects.filter(target_id=weekly_risk.pk, sent_at__isnull=False).count() == 3


def test_an_unowned_aging_risk_goes_straight_to_the_leads(make_risk, team):
    with on(CREATED):
        make_risk(owner=None)
    with on(DUE + datetime.timedelta(days=1)):
        escalate_aging_risks.delay()
    assert recipients() == sorted(
        [
            (team["owner"].email, "Escalation — review overdue"),
            (team["compliance"].email, "Escalation — review overdue"),
        ]
    )
    assert "It has no owner" in mail.outbox[0].body


def test_a_review_stops_the_escalation_and_a_later_aging_starts_a_new_round(weekly_risk, team):
    with on(DUE + datetime.timedelta(days=1)):
        escalate_aging_risks.delay()
        services.risk_review(actor=team["engineer"], risk=weekly_risk)
    with on(DUE + datetime.timedelta(days=8)):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 1  # reviewed on day 1: no escalation a week later
    with on(DUE + datetime.timedelta(days=9)):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [team["engineer"].email]


def test_closed_risks_never_age(weekly_risk, team):
    services.risk_update(actor=team["owner"], risk=weekly_risk, status="closed")
    with on(DUE + datetime.timedelta(days=30)):
        assert escalate_aging_risks.delay().get() == {"due": 0, "sent": 0}


class MailServerDown:
    """An e-mail backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_mail_server_that_is_down_leaves_the_reminder_queued_until_it_is_back(weekly_risk, team, settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with on(DUE + datetime.timedelta(days=1)):
        assert escalate_aging_risks.delay().get() == {"due": 1, "sent": 0}
    notice = Notification.objects.get(target_id=weekly_risk.pk)
    assert (notice.state, notice.attempts) == ("pending", 1) and "ConnectionRefusedError" in notice.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    back = datetime.datetime.combine(DUE + datetime.timedelta(days=1), datetime.time(7, 5))
    with time_machine.travel(back, tick=False):  # the next minutely run after the server is back
        assert escalate_aging_risks.delay().get() == {"due": 1, "sent": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [team["engineer"].email]


def test_a_risk_titled_with_a_line_break_is_notified_with_a_one_line_subject(make_risk, team):
    with on(CREATED):
        make_risk(title="Label leakage\r\nBcc: attacker@example.com")
    with on(DUE + datetime.timedelta(days=1)):
        assert escalate_aging_risks.delay().get()["sent"] == 1
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.subject.endswith("R-001 Label leakage Bcc: attacker@example.com")
    assert message.bcc == [] and message.recipients() == [team["engineer"].email]


def _aging_backlog(project, owner, count: int) -> None:
    """`count` risks a fortnight past their review (bulk: the sweep is under test, not risk_create)."""
    start = Risk.objects.filter(project=project).count()
    Risk.objects.bulk_create(
        Risk(
            project=project,
            number=start + n,
            title=f"Backlog risk {n}",
            category=Category.DEPENDENCY_FRAGILITY,
            impact=3,
            likelihood=3,
            residual_impact=2,
            residual_likelihood=2,
            owner=owner,
            next_review_on=DUE,
        )
        for n in range(1, count + 1)
    )


@pytest.mark.parametrize("count", [3, 30])
def test_the_aging_sweep_costs_the_same_queries_per_batch_and_drains_the_backlog(
    count, project, team, django_assert_max_num_queries
):
    _aging_backlog(project, team["engineer"], count)
    with on(DUE + datetime.timedelta(days=10)), django_assert_max_num_queries(12):
        due = services.risk_escalations_plan(batch_size=50)
    assert due == 3 * count  # the owner, then the Product Owner and the Compliance Officer
    assert Notification.objects.filter(category="risks").count() == 3 * count


def test_the_aging_sweep_takes_every_batch_in_one_run(project, team):
    _aging_backlog(project, team["engineer"], 7)
    with on(DUE + datetime.timedelta(days=10)):
        assert services.risk_escalations_plan(batch_size=3) == 21
        assert services.risk_escalations_plan(batch_size=3) == 21  # due again, but queued once
    assert Notification.objects.filter(category="risks").count() == 21
