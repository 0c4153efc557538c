"""Pages of the governance cadence: what each person sees and may do, and constant query counts."""

import datetime

import pytest
from django.urls import reverse

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from apps.cadence.models import ReviewOccurrence
from tests.factories import ProjectFactory

from .conftest import TODAY

D = datetime.date
pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def _occurrence_url(series, day, suffix=""):
    return reverse(
        f"cadence:occurrence-{suffix or 'detail'}",
        kwargs={"project_slug": series.project.slug, "series_pk": series.pk, "day": day},
    )


def test_member_sees_reviews_and_next_meeting(client, weekly, team, today):
    _login(client, team["scientist"])
    response = client.get(reverse("cadence:reviews", kwargs={"project_slug": weekly.project.slug}))
    assert response.status_code == 200
    assert "weekly review" in response.text
    assert "Mon 30 Nov 2026" in response.text
    assert "Add a series" not in response.text


def test_outsider_gets_404_and_auditor_reads_but_cannot_write(client, weekly, outsider, auditor, today):
    url = reverse("cadence:reviews", kwargs={"project_slug": weekly.project.slug})
    _login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.get(_occurrence_url(weekly, TODAY)).status_code == 404
    client.logout()
    _login(client, auditor)
    assert client.get(url).status_code == 200
    assert client.get(_occurrence_url(weekly, TODAY)).status_code == 200
    assert client.get(_occurrence_url(weekly, TODAY, "record")).status_code == 403
    assert client.post(_occurrence_url(weekly, TODAY, "record"), {}).status_code == 403


def test_attendee_without_manage_reviews_gets_403_on_record(client, weekly, team, today):
    _login(client, team["scientist"])
    assert client.post(_occurrence_url(weekly, TODAY, "record"), {}).status_code == 403


def test_record_form_saves_attendees_decisions_actions(client, weekly, team, today):
    _login(client, team["pm"])
    response = client.post(
        _occurrence_url(weekly, TODAY, "record"),
        {
            "held_on": "2026-11-30",
            "chair": team["owner"].pk,
            "attendees": [team["pm"].pk, team["scientist"].pk],
            "minutes": "",
            "decisions": "Ship the retrained model\nKeep the threshold",
            "actions-TOTAL_FORMS": "3",
            "actions-INITIAL_FORMS": "0",
            "actions-0-title": "Update the model card",
            "actions-0-owner": team["scientist"].pk,
            "actions-0-due_on": "2026-12-04",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    occurrence = ReviewOccurrence.objects.get()
    assert occurrence.held_on == TODAY
    assert occurrence.decisions.count() == 2
    assert occurrence.actions.get().title == "Update the model card"
    page = client.get(response["Location"])
    assert "Ship the retrained model" in page.text
    assert "Awaiting sign-off" in page.text  # the chair's attestation was requested


def test_unknown_date_of_a_series_is_404(client, weekly, team, today):
    _login(client, team["pm"])
    assert client.get(_occurrence_url(weekly, D(2026, 12, 1))).status_code == 404


def test_series_create_and_pause(client, project, team, today):
    _login(client, team["owner"])
    response = client.post(
        reverse("cadence:series-create", kwargs={"project_slug": project.slug}),
        {
            "kind": ReviewKind.MONTHLY,
            "title": "Drift audit",
            "chair_role": "product_manager",
            "attendee_roles": ["data_scientist"],
            "starts_on": "2026-12-31",
            "rule": "",
        },
    )
    assert response.status_code == 302
    series = project.review_series.get(title="Drift audit")
    assert series.next_on(D(2026, 12, 31)) == D(2027, 1, 31)
    assert series.next_on(D(2027, 1, 31)) == D(2027, 2, 28)
    client.post(reverse("cadence:series-pause", kwargs={"project_slug": project.slug, "pk": series.pk}))
    series.refresh_from_db()
    assert series.paused_on == TODAY


def _project_with_series(owner_factory, count):
    project = ProjectFactory()
    for n in range(count):
        services.series_create(
            actor=project.owner,
            project=project,
            kind=ReviewKind.WEEKLY,
            title=f"Series {n}",
            starts_on=TODAY - datetime.timedelta(days=28),
            chair_role="product_owner",
            rule="FREQ=WEEKLY",
        )
    services.occurrences_materialize()
    return project


@pytest.mark.parametrize("count", [1, 6])
def test_reviews_page_query_count_is_constant(client, today, count, django_assert_max_num_queries):
    project = _project_with_series(None, count)
    _login(client, project.owner)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cadence:reviews", kwargs={"project_slug": project.slug})).status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_series_page_query_count_is_constant(client, today, count, django_assert_max_num_queries):
    project = _project_with_series(None, count)
    series = project.review_series.first()
    _login(client, project.owner)
    with django_assert_max_num_queries(12):
        url = reverse("cadence:series-detail", kwargs={"project_slug": project.slug, "pk": series.pk})
        assert client.get(url).status_code == 200
