"""Searchable filter drop-downs: the page carries only the chosen value, the choices come as JSON."""

import pytest

from apps.notifications.services import notify
from apps.projects.choices import Role
from tests.factories import ProjectFactory, add_member

# Every portfolio page whose project drop-down could hold the whole portfolio (a Compliance Officer sits on
# every project): the project filter is a search box and its choices load from here.
CHOICES = [
    "/risks/choices/",
    "/deliverables/choices/",
    "/audit/choices/",
    "/incidents/choices/",
    "/signoffs/choices/",
]


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


@pytest.mark.parametrize("page", ["/risks/", "/incidents/", "/signoffs/"])
def test_the_portfolio_page_carries_the_chosen_project_only_and_filters_by_it(client, portfolio, page):
    client.force_login(portfolio["officer"])
    html = client.get(page, {"project": portfolio["also"].slug}).content.decode()
    assert f'<option value="{portfolio["also"].slug}" selected>Churn forecast</option>' in html
    assert "Credit scoring</option>" not in html  # the other choices load on demand
    assert f'data-lazy-choices="{page}choices/"' in html


def test_the_notification_centre_offers_the_projects_someone_hears_from(client, portfolio):
    officer = portfolio["officer"]
    notify(
        recipients=[officer],
        category="signoffs",
        kind="test_message",
        subject="A sign-off waits",
        body="Something happened.",
        project=portfolio["mine"],
        period_key="1",
    )
    client.force_login(officer)
    html = client.get("/notifications/", {"project": portfolio["mine"].slug}).content.decode()
    assert f'<option value="{portfolio["mine"].slug}" selected>Credit scoring</option>' in html
    assert 'data-lazy-choices="/notifications/choices/"' in html
    every = client.get("/notifications/choices/", {"field": "project"}).json()["results"]
    assert every == [{"value": portfolio["mine"].slug, "label": "Credit scoring"}]  # not "Churn forecast"


def test_a_project_the_user_cannot_see_is_not_accepted_as_a_filter(client, portfolio):
    client.force_login(portfolio["officer"])
    response = client.get("/deliverables/", {"project": portfolio["hidden"].slug})
    assert response.status_code == 200
    assert "Credit limits (hidden)" not in response.content.decode()
