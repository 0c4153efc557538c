"""Finding one's way in the portfolio: risk codes with their project's key, pagination, page sizes."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from apps.notifications.models import Notification
from apps.projects.choices import Role
from apps.risks import selectors, services
from apps.risks.models import Risk
from tests.factories import ProjectFactory, add_member
from tests.risks.test_views import bulk_risks, count_queries


@pytest.fixture
def two_projects(project, team, make_risk):
    """Two projects with R-001 and R-002 each; the compliance officer sees both."""
    other = ProjectFactory(name="Support Knowledge Assistant")
    add_member(other, team["compliance"], Role.COMPLIANCE_OFFICER)
    for target in (project, other):
        make_risk(target=target, actor=target.owner, owner=None)
        make_risk(target=target, actor=target.owner, owner=None, title="Labelling throughput too low")
    return project, other


def test_portfolio_names_each_risk_with_its_project_key(client, team, two_projects):
    project, other = two_projects
    client.force_login(team["compliance"])
    html = client.get("/risks/").content.decode()
    for key in (project.key, other.key):
        assert f"{key}-R-001" in html and f"{key}-R-002" in html
    assert project.key != other.key


def test_portfolio_api_gives_a_display_code_unique_across_projects(api_client, team, two_projects):
    api_client.force_authenticate(team["compliance"])
    results = api_client.get("/api/v1/risks/", {"page_size": 100}).json()["results"]
    codes = [row["display_code"] for row in results]
    assert len(codes) == 4 and len(set(codes)) == 4
    assert all(row["display_code"].endswith(row["code"]) for row in results)


def test_portfolio_csv_export_has_the_portfolio_id(client, team, two_projects):
    project, other = two_projects
    client.force_login(team["compliance"])
    response = client.get("/risks/export/csv/")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row["Portfolio ID"] for row in rows} == {f"{p.key}-R-00{n}" for p in (project, other) for n in (1, 2)}
    assert {row["ID"] for row in rows} == {"R-001", "R-002"}  # the import format still reads ID


def test_portfolio_pdf_preview_shows_display_codes(client, team, two_projects):
    project, other = two_projects
    client.force_login(team["compliance"])
    html = client.get("/risks/export/html/").content.decode()
    assert f"{project.key}-R-001" in html and f"{other.key}-R-002" in html


def test_aging_summary_names_each_risk_with_its_project_key(team, two_projects):
    Risk.objects.update(next_review_on=timezone.localdate() - datetime.timedelta(days=1))
    services.risk_escalations_plan()
    body = Notification.objects.get(recipient=team["compliance"]).body
    for target in two_projects:
        assert f"{target.key}-R-001" in body and f"{target.key}-R-002" in body


@pytest.mark.parametrize("page_size", [25, 100])
def test_portfolio_pages_at_the_chosen_size_keeping_filters_and_sort(client, project, team, page_size):
    bulk_risks(project, [team["engineer"]], 230)
    client.force_login(team["compliance"])
    response = client.get("/risks/", {"page_size": page_size, "sort": "code", "q": "Bulk"})
    page = response.context["page_obj"]
    expected = Risk.objects.filter(title__contains="Bulk").count()
    assert page.paginator.count == expected and len(page.object_list) == min(page_size, expected)
    html = response.content.decode()
    assert "page_size=" in html and "page=2" in html
    next_link = next(part for part in html.split('href="?')[1:] if "page=2" in part.split('"')[0]).split('"')[0]
    assert "q=Bulk" in next_link and "sort=code" in next_link and f"page_size={page_size}" in next_link


@pytest.mark.parametrize("sort", ["-residual", "owner", "project", "-next_review"])
def test_portfolio_pages_one_after_another_list_every_risk_once_in_order(client, project, team, sort):
    other = ProjectFactory()
    add_member(other, team["compliance"], Role.COMPLIANCE_OFFICER)
    bulk_risks(project, [team["engineer"], team["mlops"]], 40)
    bulk_risks(other, [other.owner], 30)
    client.force_login(team["compliance"])
    shown = []
    for number in (1, 2, 3):  # pages 2 and 3 are past the middle: read from the end
        response = client.get("/risks/", {"sort": sort, "page_size": 25, "page": number})
        shown += [risk.pk for risk in response.context["risks"]]
    listed = selectors.risk_filter(user=team["compliance"], filters={"sort": sort}).qs
    assert shown == list(listed.values_list("pk", flat=True))


def test_portfolio_ignores_an_unknown_page_size(client, project, team):
    bulk_risks(project, [team["engineer"]], 60)
    client.force_login(team["compliance"])
    assert len(client.get("/risks/", {"page_size": 100000}).context["risks"]) == 50


def test_portfolio_export_takes_the_whole_filtered_set_whatever_the_page(client, project, team):
    bulk_risks(project, [team["engineer"]], 80)
    client.force_login(team["compliance"])
    response = client.get("/risks/export/csv/", {"page_size": 25, "page": 2})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 81


@pytest.mark.parametrize("page_size", [25, 200])
def test_portfolio_page_runs_constant_queries_at_both_page_sizes(
    client, project, team, django_assert_max_num_queries, page_size
):
    client.force_login(team["compliance"])
    bulk_risks(project, [team["engineer"], team["mlops"]], 10)

    def page():
        assert client.get("/risks/", {"page_size": page_size}).status_code == 200

    page()
    small = count_queries(page)
    bulk_risks(project, [team["engineer"], team["mlops"]], 600)
    with django_assert_max_num_queries(16):
        page()
    assert count_queries(page) == small
