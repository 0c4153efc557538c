"""The notification centre: bell, list with filters and pages, mark read; the same through the API."""

import pytest
from django.urls import reverse

from apps.notifications.models import Notification
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture
def inbox(make_notification, project):
    """project.owner has three notifications: two about sign-offs (one read), one about a risk."""
    make_notification(project.owner, subject="Sign here")
    make_notification(project.owner, subject="Signed")
    make_notification(project.owner, category="risks", subject="Risk aging")
    Notification.objects.filter(subject="Signed").update(read_at="2026-11-29T10:00Z")
    return project.owner


def test_the_bell_shows_the_unread_count(client, inbox):
    client.force_login(inbox)
    page = client.get("/notifications/").content.decode()
    assert 'hx-get="/notifications/bell/"' in page
    bell = client.get("/notifications/bell/").content.decode()
    assert 'data-testid="bell-count">2<' in bell


def test_the_list_filters_by_category_read_state_and_project(client, inbox, make_notification, member_of):
    other = ProjectFactory(owner=inbox)
    make_notification(inbox, project=other, subject="Elsewhere")
    client.force_login(inbox)
    page = client.get("/notifications/").content.decode()
    assert all(s in page for s in ("Sign here", "Signed", "Risk aging", "Elsewhere"))
    risks = client.get("/notifications/?category=risks").content.decode()
    assert "Risk aging" in risks and "Sign here" not in risks
    unread = client.get("/notifications/?status=unread").content.decode()
    assert "Sign here" in unread and ">Signed<" not in unread
    elsewhere = client.get(f"/notifications/?project={other.slug}").content.decode()
    assert "Elsewhere" in elsewhere and "Sign here" not in elsewhere


def test_mark_read_and_mark_all_read_in_the_browser(client, inbox):
    client.force_login(inbox)
    first = Notification.objects.get(subject="Sign here")
    response = client.post(reverse("notifications:mark-read", args=[first.pk]), {"next": "/notifications/?page=1"})
    assert response.status_code == 302 and response.url == "/notifications/?page=1"
    first.refresh_from_db()
    assert first.read_at is not None
    partial = client.post(reverse("notifications:mark-read", args=[first.pk]), headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "Mark read" not in partial.content.decode()
    evil = client.post(reverse("notifications:mark-all-read"), {"next": "https://evil.example.com/"})
    assert evil.url == "/notifications/"
    assert Notification.objects.filter(recipient=inbox, read_at__isnull=True).count() == 0


def test_mark_read_needs_csrf(inbox):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(inbox)
    row = Notification.objects.get(subject="Sign here")
    assert client.post(reverse("notifications:mark-read", args=[row.pk])).status_code == 403


def test_other_peoples_notifications_answer_404(client, api_client, inbox):
    row = Notification.objects.get(subject="Sign here")
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(reverse("notifications:mark-read", args=[row.pk])).status_code == 404
    assert "Sign here" not in client.get("/notifications/").content.decode()
    api_client.force_authenticate(stranger)
    assert api_client.get(f"/api/v1/notifications/{row.pk}/").status_code == 404
    response = api_client.post(f"/api/v1/notifications/{row.pk}/mark-read/")
    assert response.status_code == 404 and response.json()["error"]["status"] == 404
    assert api_client.get("/api/v1/notifications/").json()["count"] == 0
    row.refresh_from_db()
    assert row.read_at is None


def test_anonymous_people_are_sent_to_log_in(client, api_client):
    assert client.get("/notifications/").status_code == 302
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_the_api_lists_counts_and_marks_read(api_client, inbox):
    api_client.force_authenticate(inbox)
    listed = api_client.get("/api/v1/notifications/").json()
    assert listed["count"] == 3 and {"subject", "category", "is_read", "url", "project"} <= set(listed["results"][0])
    assert api_client.get("/api/v1/notifications/?status=unread&category=signoffs").json()["count"] == 1
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    row = Notification.objects.get(subject="Sign here")
    assert api_client.post(f"/api/v1/notifications/{row.pk}/mark-read/").json()["is_read"] is True
    assert api_client.post("/api/v1/notifications/mark-all-read/", {}, format="json").json() == {"marked": 1}
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/mark-read/",
        "/api/v1/notifications/mark-all-read/",
        "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/preferences/",
    ):
        assert path in schema


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_page_and_endpoint_take_the_same_queries_at_any_size(
    size, client, api_client, make_notification, project, django_assert_max_num_queries
):
    for index in range(size):
        make_notification(project.owner, project=ProjectFactory() if index % 3 == 0 else project)
    client.force_login(project.owner)
    with django_assert_max_num_queries(9):
        assert client.get("/notifications/").status_code == 200
    api_client.force_authenticate(project.owner)
    with django_assert_max_num_queries(5):
        assert api_client.get("/api/v1/notifications/").status_code == 200


def test_the_admin_lists_the_outbox_and_queues_failed_messages_again(client, inbox):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    row = Notification.objects.get(subject="Sign here")
    Notification.objects.filter(pk=row.pk).update(state="failed", last_error="SMTPRecipientsRefused")
    assert "Sign here" in client.get("/admin/notifications/notification/").content.decode()
    assert client.get(f"/admin/notifications/notification/{row.pk}/change/").status_code == 200
    response = client.post("/admin/notifications/notification/", {"action": "send_again", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)
