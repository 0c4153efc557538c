"""The outbox: one row per (kind, recipient, target, period), nothing sent in the request, delivery with backoff."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.notifications.choices import State
from apps.notifications.models import Notification
from apps.notifications.services import Message, notifications_send, notify, notify_many
from apps.notifications.tasks import send_pending_notifications
from tests.factories import UserFactory

from .conftest import RefusesBadAddresses


def test_notify_stores_one_row_per_recipient_and_calling_again_is_a_no_op(project, member_of):
    people = [member_of(project), member_of(project)]
    args = {"category": "signoffs", "kind": "k", "subject": "S", "body": "B", "target": project, "period_key": "d1"}
    assert notify(recipients=people, **args) == 2
    assert notify(recipients=people, **args) == 0
    assert notify(recipients=[*people, member_of(project)], **args) == 1
    assert notify(recipients=people, **{**args, "period_key": "d2"}) == 2
    assert Notification.objects.count() == 5


def test_a_message_without_a_target_is_also_stored_once(make_notification, project):
    assert make_notification(project.owner, period_key="2026-11-29") == 1
    assert make_notification(project.owner, period_key="2026-11-29") == 0
    assert Notification.objects.get().target_key == ""


def test_subjects_lose_their_line_breaks(make_notification, project):
    make_notification(project.owner, subject="Risk\r\nBcc: evil@example.com\u2028more")
    assert Notification.objects.get().subject == "Risk Bcc: evil@example.com more"


def test_an_unregistered_category_is_refused(make_notification, project):
    with pytest.raises(LookupError, match="not registered"):
        make_notification(project.owner, category="nonsense")


def test_inactive_people_are_not_notified(make_notification):
    assert make_notification(UserFactory(is_active=False)) == 0


def test_nothing_is_sent_before_commit_and_the_sender_runs_after_it(
    make_notification, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_notification(project.owner)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[project.owner.email]]
    row = Notification.objects.get()
    assert row.state == State.SENT and row.sent_at and row.attempts == 1


def test_the_e_mail_links_to_the_portal_from_its_configured_address(make_notification, project, settings):
    settings.PORTAL_BASE_URL = "https://governance.example.com/"
    make_notification(project.owner)
    notifications_send()
    assert f"https://governance.example.com{project.get_absolute_url()}" in mail.outbox[0].body
    assert "https://governance.example.com/notifications/preferences/" in mail.outbox[0].body


def test_a_refused_address_is_marked_failed_and_does_not_block_the_others(make_notification, settings):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusesBadAddresses"
    RefusesBadAddresses.sent = []
    bad = UserFactory(email="bad@example.test")
    good = [UserFactory(), UserFactory()]
    make_notification(good[0])
    make_notification(bad)
    make_notification(good[1])
    make_notification(UserFactory(email=""))
    assert notifications_send() == 2
    assert sorted(m.to[0] for m in RefusesBadAddresses.sent) == sorted(user.email for user in good)
    failed = Notification.objects.get(recipient=bad)
    assert failed.state == State.FAILED and "SMTPRecipientsRefused" in failed.last_error
    assert Notification.objects.get(recipient__email="").state == State.FAILED
    assert notifications_send() == 0  # failed rows are not retried by themselves


def test_a_mail_server_that_is_down_backs_off_and_the_next_run_delivers(
    make_notification, project, mail_server_down, mail_server_up
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        make_notification(project.owner)
        assert send_pending_notifications.delay().get() == 0
    row = Notification.objects.get()
    assert (row.state, row.attempts) == (State.PENDING, 1) and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at == start + datetime.timedelta(minutes=1)
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert notifications_send() == 0  # not due yet: nobody hammers a server that is down
    mail_server_up()
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        assert send_pending_notifications.delay().get() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_a_submission_while_the_mail_server_is_down_is_saved_and_mailed_when_it_is_back(
    client, project, ready_gate, mail_server_down, mail_server_up, django_capture_on_commit_callbacks
):
    client.force_login(project.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/projects/{project.slug}/gates/scoping/", {"action": "submit", "due_on": "2099-01-01"})
    assert response.status_code == 302  # no 500: the mail was never the request's business
    row = Notification.objects.get(kind="signoff_requested")
    assert row.recipient == ready_gate.sponsor and row.state == State.PENDING and row.attempts == 1
    assert mail.outbox == []
    mail_server_up()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        assert send_pending_notifications.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[ready_gate.sponsor.email]]
    assert "Sign-off requested: Scoping gate" in mail.outbox[0].subject


def test_a_batch_writes_each_rows_own_outcome_and_attempt_count(make_notification, settings):
    settings.EMAIL_BACKEND = "tests.notifications.conftest.RefusesBadAddresses"
    RefusesBadAddresses.sent = []
    fresh, retried, refused = UserFactory(), UserFactory(), UserFactory(email="bad@example.test")
    for person in (fresh, retried, refused):
        make_notification(person)
    Notification.objects.filter(recipient=retried).update(attempts=3, last_error="ConnectionRefusedError: earlier")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert notifications_send() == 2
    outcomes = {
        row.recipient_id: (row.state, row.attempts, row.sent_at, row.last_error[:21])
        for row in Notification.objects.all()
    }
    assert outcomes == {
        fresh.pk: (State.SENT, 1, start, ""),
        retried.pk: (State.SENT, 4, start, ""),  # counted on from its earlier tries, its old error cleared
        refused.pk: (State.FAILED, 1, None, "SMTPRecipientsRefused"),
    }


@pytest.mark.parametrize("people", [2, 20])
def test_notify_many_costs_the_same_queries_whatever_the_number_of_messages(
    people, project, member_of, django_assert_max_num_queries
):
    recipients = [member_of(project) for _ in range(people)]
    messages = [
        Message(recipients=[person], category="signoffs", kind="k", subject=f"S{n}", body="B", period_key=str(n))
        for n, person in enumerate(recipients)
    ]
    with django_assert_max_num_queries(6):
        assert notify_many(messages) == people
    assert notify_many(messages) == 0


@pytest.mark.parametrize("backlog", [5, 60])
def test_the_sender_drains_the_backlog_in_one_run_with_a_few_queries_per_batch(
    backlog, project, member_of, django_assert_max_num_queries
):
    person = member_of(project)
    for n in range(backlog):
        notify(recipients=[person], category="signoffs", kind="k", subject="S", body="B", period_key=str(n))
    batches = -(-backlog // 25)
    with django_assert_max_num_queries(2 + 6 * batches):  # per batch: take the rows, write their outcomes
        assert notifications_send(batch_size=25) == backlog
    assert len(mail.outbox) == backlog
    assert not Notification.objects.due().exists()
