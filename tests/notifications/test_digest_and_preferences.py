"""Each person chooses per category: e-mail at once, a daily digest, or in-app only."""

import datetime

from django.core import mail

from apps.notifications.choices import Delivery, State
from apps.notifications.models import Notification
from apps.notifications.services import (
    notification_preference_set,
    notifications_build_digests,
    notifications_send,
)
from apps.notifications.tasks import send_daily_digests

DAY = datetime.date(2026, 11, 30)


def test_in_app_only_is_never_e_mailed_but_shows_in_the_centre(make_notification, project, client):
    notification_preference_set(actor=project.owner, category="signoffs", delivery=Delivery.IN_APP)
    make_notification(project.owner, subject="Quiet news")
    make_notification(project.owner, category="risks", subject="Loud news")
    notifications_send()
    assert [m.subject for m in mail.outbox] == ["Loud news"]
    assert Notification.objects.get(subject="Quiet news").state == State.IN_APP
    client.force_login(project.owner)
    assert "Quiet news" in client.get("/notifications/").content.decode()


def test_the_daily_digest_is_one_mail_a_day_listing_what_is_new(make_notification, project, settings):
    settings.PORTAL_BASE_URL = "https://governance.example.com"
    notification_preference_set(actor=project.owner, category="signoffs", delivery=Delivery.DIGEST)
    make_notification(project.owner, subject="First")
    make_notification(project.owner, subject="Second")
    notifications_send()
    assert mail.outbox == []  # digest people get nothing at once

    assert notifications_build_digests(today=DAY) == 1
    assert notifications_build_digests(today=DAY) == 0  # the task ran twice that day
    notifications_send()
    (digest,) = mail.outbox
    assert digest.to == [project.owner.email] and "2 new notifications" in digest.subject
    assert "- First" in digest.body and "- Second" in digest.body
    assert f"https://governance.example.com{project.get_absolute_url()}" in digest.body
    assert set(Notification.objects.filter(subject__in=["First", "Second"]).values_list("state", flat=True)) == {
        State.SENT
    }

    make_notification(project.owner, subject="Third")
    assert notifications_build_digests(today=DAY) == 0  # one digest a day: Third waits for tomorrow
    assert notifications_build_digests(today=DAY + datetime.timedelta(days=1)) == 1
    notifications_send()
    assert len(mail.outbox) == 2 and "- Third" in mail.outbox[1].body and "First" not in mail.outbox[1].body


def test_digest_rows_stay_out_of_the_centre(make_notification, project, client):
    notification_preference_set(actor=project.owner, category="signoffs", delivery=Delivery.DIGEST)
    make_notification(project.owner, subject="Only this")
    notifications_build_digests(today=DAY)
    client.force_login(project.owner)
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}


def test_preferences_page_saves_a_choice_per_category(client, project):
    client.force_login(project.owner)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Sign-offs" in page and "Risk register" in page and "Daily digest" in page
    response = client.post("/notifications/preferences/", {"delivery-risks": "digest", "delivery-signoffs": "email"})
    assert response.status_code == 302
    chosen = {p["category"]: p["delivery"] for p in client.get("/api/v1/notifications/preferences/").json()}
    assert chosen["risks"] == "digest" and chosen["signoffs"] == "email"


def test_preferences_api_sets_and_refuses_unknown_choices(api_client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.post(
        "/api/v1/notifications/preferences/", {"category": "signoffs", "delivery": "in_app"}, format="json"
    )
    assert response.status_code == 200
    assert {p["category"]: p["delivery"] for p in response.json()}["signoffs"] == "in_app"
    bad = api_client.post("/api/v1/notifications/preferences/", {"category": "nope", "delivery": "x"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"category", "delivery"}


def test_the_digest_task_builds_and_sends_in_one_run(make_notification, project):
    notification_preference_set(actor=project.owner, category="risks", delivery=Delivery.DIGEST)
    make_notification(project.owner, category="risks", subject="Aging risk")
    assert send_daily_digests.delay().get() == {"digests": 1, "sent": 1}
    assert send_daily_digests.delay().get() == {"digests": 0, "sent": 0}
    assert len(mail.outbox) == 1
