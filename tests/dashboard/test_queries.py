"""A dashboard costs the same number of queries whatever the number of projects and records.

The page and the API are measured for each kind of person with one project, then the portfolio
triples (every record kind on every new project) and the same calls must not cost more.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.projects.choices import Role

PEOPLE = [Role.COMPLIANCE_OFFICER, Role.PRODUCT_MANAGER, Role.EXECUTIVE_SPONSOR, Role.DATA_SCIENTIST, "auditor"]
CEILING = 50  # whatever the data: a regression that adds a query per record blows past it at once


def _person(world, who):
    person = world.auditor if who == "auditor" else world.person(who)
    return type(person).objects.get(pk=person.pk)  # no permission cache carried between calls


def _client(world, who, kind):
    """A signed-in client (signing in is not part of what is measured)."""
    if kind == "page":
        client = Client()
        client.force_login(_person(world, who))
    else:
        client = APIClient()
        client.force_authenticate(_person(world, who))
    return client


def _get(client, kind):
    response = client.get("/" if kind == "page" else "/api/v1/dashboard/")
    assert response.status_code == 200
    return response


@pytest.fixture(scope="module")
def small_counts(shared_world, django_db_blocker):
    """Queries per (person, page or API) with one project; then the world grows to three."""
    with django_db_blocker.unblock():
        shared_world.grow(1)
        for kind in ("page", "api"):  # the first requests of the process fill Django's caches (content types)
            _get(_client(shared_world, Role.COMPLIANCE_OFFICER, kind), kind)
        counts = {}
        for who in PEOPLE:
            for kind in ("page", "api"):
                client = _client(shared_world, who, kind)
                with CaptureQueriesContext(connection) as queries:
                    response = _get(client, kind)
                counts[(who, kind)] = len(queries)
                if kind == "api":
                    counts[(who, "waiting")] = response.json()["waiting"]
        shared_world.grow(2)
    return counts


@pytest.mark.parametrize("kind", ["page", "api"])
@pytest.mark.parametrize("who", PEOPLE)
def test_dashboard_query_count_does_not_grow_with_the_portfolio(
    small_counts, shared_world, who, kind, db, django_assert_max_num_queries
):
    assert small_counts[(who, kind)] <= CEILING
    client = _client(shared_world, who, kind)
    with django_assert_max_num_queries(small_counts[(who, kind)]):
        response = _get(client, kind)
    if kind == "api":
        body = response.json()
        assert bool(body["panels"]) == (who != Role.DATA_SCIENTIST)  # panels are for the four roles only
        if small_counts[(who, "waiting")]:
            assert body["waiting"] > small_counts[(who, "waiting")], "the portfolio grew: so did the queue"
