"""The risk lists' pages kept while the audit chain's head stands still (apps/audit/caching.py)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.projects import services as project_services
from apps.projects.choices import Role
from apps.projects.models import Membership
from apps.risks import services as risk_services
from tests.factories import UserFactory, record_risk

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/risks/", "/api/v1/projects/{slug}/risks/"]


@pytest.fixture
def engineer(project, member_of):
    return member_of(project, Role.DATA_ENGINEER, first_name="Ada", last_name="Okafor")


@pytest.fixture
def risk(project, engineer):
    return record_risk(project, owner=engineer)


def rows(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 200
    return response.json()["results"]


# On a hit: the chain's head; the project's list also looks its project and the person's grants up.
@pytest.mark.parametrize(("url", "queries"), [(URLS[0], 1), (URLS[1], 3)])
def test_a_repeated_page_comes_from_the_cache_without_the_lists_queries(
    api_client, project, risk, url, queries, django_assert_num_queries
):
    url = url.format(slug=project.slug)
    api_client.force_authenticate(project.owner)
    first = api_client.get(url).json()
    with django_assert_num_queries(queries):
        second = api_client.get(url).json()
    assert second == first
    assert [row["title"] for row in second["results"]] == [risk.title]


@pytest.mark.parametrize("url", URLS)
def test_an_audited_change_is_on_the_very_next_page(api_client, project, risk, url):
    url = url.format(slug=project.slug)
    api_client.force_authenticate(project.owner)
    assert rows(api_client, url)[0]["title"] == risk.title
    risk_services.risk_update(actor=project.owner, risk=risk, title="Feature store outage")
    assert rows(api_client, url)[0]["title"] == "Feature store outage"


def test_a_renamed_owner_shows_under_the_new_name(api_client, project, risk, engineer):
    api_client.force_authenticate(project.owner)
    assert rows(api_client, URLS[0])[0]["owner_detail"]["display_name"] == "Ada Okafor"
    engineer.last_name = "Mensah"
    engineer.save()  # a person's record is audited like any other
    assert rows(api_client, URLS[0])[0]["owner_detail"]["display_name"] == "Ada Mensah"


def test_a_removed_member_stops_seeing_the_projects_risks_at_once(api_client, project, risk, engineer):
    api_client.force_authenticate(engineer)
    assert len(rows(api_client, URLS[0])) == 1
    membership = Membership.objects.get(project=project, user=engineer)
    project_services.membership_remove(actor=project.owner, membership=membership)
    assert rows(api_client, URLS[0]) == []
    assert api_client.get(URLS[1].format(slug=project.slug)).status_code == 404


def test_pages_are_never_shared_between_people(api_client, project, risk):
    api_client.force_authenticate(project.owner)
    assert len(rows(api_client, URLS[0])) == 1
    api_client.force_authenticate(UserFactory())
    assert rows(api_client, URLS[0]) == []


def test_filters_and_pages_are_kept_apart(api_client, project, risk, engineer):
    api_client.force_authenticate(project.owner)
    assert len(rows(api_client, URLS[0])) == 1
    assert rows(api_client, URLS[0] + "?status=closed") == []
    assert rows(api_client, URLS[0] + "?owner=" + str(engineer.pk))[0]["code"] == risk.code


def test_the_next_day_counts_the_days_overdue_again(api_client, project, risk):
    api_client.force_authenticate(project.owner)
    overdue_from = risk.next_review_on + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(overdue_from, datetime.time(12), tzinfo=datetime.UTC)):
        assert rows(api_client, URLS[0])[0]["days_overdue"] == 1
    with time_machine.travel(
        datetime.datetime.combine(overdue_from + datetime.timedelta(days=1), datetime.time(12), tzinfo=datetime.UTC)
    ):
        assert rows(api_client, URLS[0])[0]["days_overdue"] == 2


def test_with_the_cache_off_every_page_is_computed(api_client, project, risk, settings):
    settings.API_LIST_CACHE_SECONDS = 0
    api_client.force_authenticate(project.owner)
    rows(api_client, URLS[0])
    with CaptureQueriesContext(connection) as queries:
        rows(api_client, URLS[0])
    assert not any("audit_auditentry" in query["sql"] for query in queries.captured_queries)
    assert any('FROM "risks_risk"' in query["sql"] for query in queries.captured_queries)
