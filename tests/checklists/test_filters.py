"""Checklist filters (apps.checklists.filters.ItemFilter): the page and the API, parameters kept in the URL."""

import pytest
from django.urls import reverse

from apps.checklists import selectors, services
from tests.checklists.conftest import item

pytestmark = pytest.mark.django_db

ALL = ["ck-01-check", "ck-02-check", "ck-03-check", "q-01-use-case", "q-02-tools"]


@pytest.fixture
def worked(checklist, team):
    """ck-01 done by ds (owner ds), ck-02 in progress owned by ds2; the rest untouched (open, nobody)."""
    services.item_response_update(
        actor=team["ds"], checklist=checklist, item=item(checklist, "ck-01-check"), owner=team["ds"], status="done"
    )
    services.item_response_update(
        actor=team["ds"],
        checklist=checklist,
        item=item(checklist, "ck-02-check"),
        owner=team["ds2"],
        status="in_progress",
    )
    return checklist


def keys(checklist, user=None, **filters):
    return [row.item.key for row in selectors.checklist_rows(checklist=checklist, user=user, filters=filters)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ALL),
        ({"status": "done"}, ["ck-01-check"]),
        ({"status": "open"}, ["ck-03-check", "q-01-use-case", "q-02-tools"]),
        ({"stage": "scoping"}, ["ck-01-check", "ck-03-check", "q-01-use-case"]),
        ({"requirement": "required"}, ["ck-01-check", "ck-03-check", "q-01-use-case"]),
        ({"owner": "none"}, ["ck-03-check", "q-01-use-case", "q-02-tools"]),
        ({"q": "USE CASE"}, ["q-01-use-case"]),
        ({"q": "ck-02"}, ["ck-02-check"]),
        ({"stage": "scoping", "status": "open", "requirement": "required"}, ["ck-03-check", "q-01-use-case"]),
        ({"status": "no-such-status"}, ALL),  # an invalid value is ignored, not an error page
    ],
)
def test_filters_narrow_the_items_in_template_order(worked, filters, expected):
    assert keys(worked, **filters) == expected


def test_owner_me_means_the_person_asking(worked, team):
    assert keys(worked, team["ds"], owner="me") == ["ck-01-check"]
    assert keys(worked, team["ds2"], owner="me") == ["ck-02-check"]
    assert keys(worked, None, owner="me") == []


def test_the_page_filters_from_the_url_and_keeps_the_values_in_the_form(client, worked, team):
    client.force_login(team["ds2"])
    url = reverse("checklists:checklist-detail", args=[worked.project.slug, worked.pk])
    page = client.get(url, {"owner": "me", "stage": "evaluation"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1 item match the filters" in html and "Check number 2" in html and "Check number 1<" not in html
    assert '<option value="me" selected>' in html and '<option value="evaluation" selected>' in html
    assert 'name="stage" class="form-select"' in html  # the filter bar keeps the portal's form styling
    unfiltered = client.get(url).content.decode()
    assert "5 items." in unfiltered and "match the filters" not in unfiltered


def test_the_api_takes_the_same_filters(api_client, worked, team):
    api_client.force_authenticate(team["ds"])
    url = f"/api/v1/projects/{worked.project.slug}/checklists/{worked.pk}/items/"
    response = api_client.get(url, {"status": "in_progress"})
    assert response.status_code == 200
    assert [row["key"] for row in response.json()["results"]] == ["ck-02-check"]
    assert [row["key"] for row in api_client.get(url, {"owner": "me"}).json()["results"]] == ["ck-01-check"]


def test_filtering_runs_a_constant_number_of_queries(worked, team, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        keys(worked, team["ds"], stage="scoping", status="open", owner="none", q="check")
