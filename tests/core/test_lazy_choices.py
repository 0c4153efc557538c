"""Searchable filter drop-downs: the page carries only the chosen value, the choices come as JSON."""

import pytest

from apps.projects.choices import Role
from tests.factories import ProjectFactory, add_member

CHOICES = ["/risks/choices/", "/deliverables/choices/", "/audit/choices/"]


@pytest.fixture
def portfolio(db, member_of):
    """A compliance officer on two projects; a third project they cannot see."""
    mine = ProjectFactory(name="Credit scoring")
    officer = member_of(mine, Role.COMPLIANCE_OFFICER, first_name="Olga", last_name="Officer")
    also = ProjectFactory(name="Churn forecast")
    add_member(also, officer, Role.COMPLIANCE_OFFICER)
    hidden = ProjectFactory(name="Credit limits (hidden)")
    return {"officer": officer, "mine": mine, "also": also, "hidden": hidden}


@pytest.mark.parametrize("url", CHOICES)
def test_project_choices_match_the_search_among_the_projects_the_user_may_see(client, portfolio, url):
    client.force_login(portfolio["officer"])
    response = client.get(url, {"field": "project", "q": "credit"})
    assert response.status_code == 200
    assert response.json() == {"results": [{"value": portfolio["mine"].slug, "label": "Credit scoring"}]}
    every = client.get(url, {"field": "project"}).json()["results"]
    assert [row["label"] for row in every] == ["Churn forecast", "Credit scoring"]


@pytest.mark.parametrize("url", CHOICES)
def test_an_unknown_field_answers_404_and_anonymous_visitors_are_sent_to_login(client, portfolio, url):
    assert client.get(url, {"field": "project"}).status_code == 302
    client.force_login(portfolio["officer"])
    assert client.get(url, {"field": "password"}).status_code == 404


def test_the_portfolio_page_carries_the_chosen_project_only_and_filters_by_it(client, portfolio):
    client.force_login(portfolio["officer"])
    page = client.get("/risks/", {"project": portfolio["also"].slug}).content.decode()
    assert f'<option value="{portfolio["also"].slug}" selected>Churn forecast</option>' in page
    assert "Credit scoring</option>" not in page  # the other choices load on demand
    assert 'data-lazy-choices="/risks/choices/"' in page


def test_a_project_the_user_cannot_see_is_not_accepted_as_a_filter(client, portfolio):
    client.force_login(portfolio["officer"])
    response = client.get("/deliverables/", {"project": portfolio["hidden"].slug})
    assert response.status_code == 200
    assert "Credit limits (hidden)" not in response.content.decode()
