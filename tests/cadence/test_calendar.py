"""The calendar page and the iCalendar feeds: only what the person may see, re-checked at each fetch."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from apps.cadence.views import CalendarView
from apps.projects import services as project_services
from apps.projects.models import Membership
from tests.factories import ProjectFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)


def _ics(client, token):
    return client.get(reverse("cadence:feed-ics", kwargs={"token": token}))


def _summaries(response) -> list[str]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_calendar_month_shows_reviews_and_deliverables(client, weekly, team, today, deliverables):
    pd = next(iter(deliverables.values()))
    type(pd).objects.filter(pk=pd.pk).update(next_due_on=TODAY + datetime.timedelta(days=2))
    _login(client, team["scientist"])
    response = client.get(reverse("cadence:calendar"))
    assert response.status_code == 200
    assert "November 2026" in response.text
    assert "weekly review" in response.text
    assert "Deliverable due:" in response.text


def test_calendar_filters_by_kind_and_project(client, weekly, team, today):
    other = ProjectFactory(owner=team["owner"])
    services.series_create(
        actor=team["owner"],
        project=other,
        kind=ReviewKind.MONTHLY,
        title="Other audit",
        starts_on=TODAY,
        chair_role="product_owner",
    )
    _login(client, team["owner"])
    agenda = client.get(
        reverse("cadence:calendar"), {"view": "agenda", "kind": "reviews", "project": weekly.project.slug}
    )
    assert "weekly review" in agenda.text
    assert "Other audit" not in agenda.text
    assert "Deliverable due:" not in agenda.text


def test_calendar_never_shows_a_project_i_am_not_on(client, weekly, team, today, member_of):
    stranger_project = ProjectFactory()
    services.series_create(
        actor=stranger_project.owner,
        project=stranger_project,
        kind=ReviewKind.WEEKLY,
        title="Secret review",
        starts_on=TODAY,
        chair_role="product_owner",
    )
    _login(client, team["scientist"])
    assert "Secret review" not in client.get(reverse("cadence:calendar"), {"view": "agenda"}).text
    assert "Secret review" not in client.get(reverse("cadence:calendar"), {"project": stranger_project.slug}).text


@pytest.mark.parametrize("projects", [1, 4])
def test_calendar_query_count_is_constant(client, team, today, projects, django_assert_max_num_queries):
    for n in range(projects):
        project = ProjectFactory(owner=team["owner"])
        services.series_create(
            actor=team["owner"],
            project=project,
            kind=ReviewKind.WEEKLY,
            title=f"Review {n}",
            starts_on=TODAY,
            chair_role="product_owner",
        )
    _login(client, team["owner"])
    for view in ("month", "agenda"):
        with django_assert_max_num_queries(16):
            assert client.get(reverse("cadence:calendar"), {"view": view}).status_code == 200


def test_personal_feed_parses_holds_my_events_and_stops_when_revoked(client, weekly, team, today):
    stranger_project = ProjectFactory()
    services.series_create(
        actor=stranger_project.owner,
        project=stranger_project,
        kind=ReviewKind.WEEKLY,
        title="Secret review",
        starts_on=TODAY,
        chair_role="product_owner",
    )
    feed, token = services.calendar_feed_create(actor=team["scientist"])
    assert feed.token_hash != token and token not in feed.token_hash
    response = _ics(client, token)  # no session: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    summaries = _summaries(response)
    assert any(s.startswith("weekly review") for s in summaries)
    assert not any("Secret review" in s for s in summaries)
    services.calendar_feed_revoke(actor=team["scientist"])
    assert _ics(client, token).status_code == 404


def test_regenerating_a_feed_kills_the_old_url(client, weekly, team, today):
    _, old = services.calendar_feed_create(actor=team["pm"])
    _, new = services.calendar_feed_create(actor=team["pm"])
    assert _ics(client, old).status_code == 404
    assert _ics(client, new).status_code == 200
    assert _ics(client, new[:-1] + ("A" if new[-1] != "A" else "B")).status_code == 404


def test_feed_rechecks_access_at_each_fetch(client, weekly, team, today):
    _, token = services.calendar_feed_create(actor=team["scientist"], project=weekly.project)
    assert any(s.startswith("weekly review") for s in _summaries(_ics(client, token)))
    membership = Membership.objects.get(project=weekly.project, user=team["scientist"])
    project_services.membership_remove(actor=team["owner"], membership=membership)
    assert _summaries(_ics(client, token)) == []


def test_project_feed_only_for_those_who_see_the_project(weekly, outsider, today):
    with pytest.raises(Exception, match="members"):
        services.calendar_feed_create(actor=outsider, project=weekly.project)


def test_feeds_page_shows_the_new_url_once(client, weekly, team, today):
    _login(client, team["pm"])
    response = client.post(reverse("cadence:feeds"), {"project": "", "action": "create"}, follow=True)
    assert "/calendar/ics/" in response.text
    assert "/calendar/ics/" not in client.get(reverse("cadence:feeds")).text


def test_calendar_shows_a_bounded_number_per_kind_and_says_there_are_more(client, weekly, team, today, monkeypatch):
    _login(client, team["owner"])
    params = {"view": "agenda", "kind": "reviews", "project": weekly.project.slug}
    everything = client.get(reverse("cadence:calendar"), params)
    row = '<td class="text-nowrap">'
    assert everything.text.count(row) > 3
    assert "data-calendar-more" not in everything.text

    monkeypatch.setattr(CalendarView, "PER_SOURCE_LIMIT", 3)
    bounded = client.get(reverse("cadence:calendar"), params)
    assert bounded.text.count(row) == 3
    assert "Mon 30 Nov 2026" in bounded.text  # the earliest come first
    assert "data-calendar-more" in bounded.text
    assert "Only the first 3 of each kind are shown" in bounded.text
    assert "there are more governance reviews in this period" in bounded.text
