"""The register in the browser and the API: who may do what, pages, one-click review, constant queries."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.projects.choices import Role
from apps.risks import services
from apps.risks.choices import Category, RiskStatus
from apps.risks.models import Risk, RiskRegister, RiskReview
from apps.signoffs import services as signoff_services
from apps.signoffs.choices import RequestState
from apps.signoffs.models import SignoffRequest
from tests.factories import ProjectFactory, UserFactory, add_member


def future(days=30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


FORM = {
    "title": "Labelling throughput too low",
    "description": "",
    "category": Category.TALENT_GAPS,
    "stage": "",
    "impact": 3,
    "likelihood": 4,
    "mitigation": "",
    "residual_impact": 3,
    "residual_likelihood": 3,
    "owner": "",
    "status": RiskStatus.OPEN,
    "review_frequency": "weekly",
}


# --- Who may do what -------------------------------------------------------------------


def test_outsider_gets_404_for_project_risks_in_the_browser_and_the_api(
    client, api_client, project, make_risk, outsider
):
    make_risk()
    client.force_login(outsider)
    base = f"/projects/{project.slug}/risks/"
    for url in (base, f"{base}R-001/", f"{base}new/", f"{base}import/", f"{base}export/csv/", f"{base}R-001/accept/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}R-001/review/").status_code == 404
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/projects/{project.slug}/risks/").status_code == 404
    assert api_client.get(f"/api/v1/projects/{project.slug}/risks/R-001/").status_code == 404
    assert api_client.get("/api/v1/risks/").json()["count"] == 0
    assert client.get("/risks/").context["paginator"].count == 0


def test_unknown_risk_code_answers_404(client, project, team):
    client.force_login(team["compliance"])
    assert client.get(f"/projects/{project.slug}/risks/R-404/").status_code == 404


def test_team_members_record_review_and_propose_but_only_governing_roles_accept_and_delete(
    client, project, team, make_risk
):
    make_risk(residual_impact=1, residual_likelihood=1)
    base = f"/projects/{project.slug}/risks/"
    client.force_login(team["scientist"])
    response = client.post(f"{base}new/", {**FORM, "owner": team["mlops"].pk})
    assert response.status_code == 302 and response["Location"] == f"{base}R-002/"
    assert client.post(f"{base}R-001/review/").status_code == 302
    proposed = client.post(f"{base}R-001/accept/", {"expires_on": future(), "note": "Owner thinks it is fine"})
    assert proposed.status_code == 302
    assert Risk.objects.get(number=1).status != RiskStatus.ACCEPTED  # a proposal, awaiting PO and CO sign-off
    assert SignoffRequest.objects.filter(state=RequestState.OPEN).count() == 1
    assert client.post(f"{base}R-002/delete/").status_code == 403
    signoff = SignoffRequest.objects.get()
    for approver in (team["owner"], team["compliance"]):
        signoff_services.signoff_decide(actor=approver, signoff=signoff, approve=True)
    assert Risk.objects.get(number=1).status == RiskStatus.ACCEPTED
    client.force_login(team["compliance"])
    assert client.post(f"{base}R-002/delete/").status_code == 302
    assert list(Risk.objects.values_list("number", flat=True)) == [1]


# --- Pages ------------------------------------------------------------------------------


def test_edit_form_shows_the_residual_rule_as_a_field_error(client, project, team, make_risk):
    make_risk(impact=2, likelihood=2)
    client.force_login(team["owner"])
    response = client.post(
        f"/projects/{project.slug}/risks/R-001/edit/",
        {**FORM, "impact": 2, "likelihood": 2, "residual_impact": 3, "residual_likelihood": 3},
    )
    assert response.status_code == 200
    assert "cannot be above the inherent score" in str(response.context["form"].errors)


def test_reviewed_no_change_is_one_click_with_htmx(client, project, team, make_risk):
    risk = make_risk()
    client.force_login(team["engineer"])
    response = client.post(f"/projects/{project.slug}/risks/R-001/review/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="review-{risk.pk}"' in body and "R-001 reviewed, no change" in body
    assert RiskReview.objects.get().reviewed_by == team["engineer"]


def test_reviewing_an_aging_row_swaps_the_whole_row_without_its_aging_flag(client, project, team, make_risk):
    risk = make_risk()
    Risk.objects.filter(pk=risk.pk).update(next_review_on=timezone.localdate() - datetime.timedelta(days=4))
    client.force_login(team["engineer"])
    register = client.get(f"/projects/{project.slug}/risks/").content.decode()
    assert 'class="is-aging"' in register and 'hx-target="closest tr"' in register
    response = client.post(f"/projects/{project.slug}/risks/R-001/review/", {"part": "row"}, HTTP_HX_REQUEST="true")
    row = response.content.decode()
    assert row.lstrip().startswith("<tr") and "is-aging" not in row and "Overdue" not in row
    assert "R-001 reviewed, no change" in row


def test_risk_page_shows_its_full_history_from_the_audit_trail(client, project, team, make_risk):
    risk = make_risk()
    services.risk_update(actor=team["owner"], risk=risk, mitigation="Schema diff alerts", owner=team["mlops"])
    services.risk_review(actor=team["mlops"], risk=risk)
    client.force_login(team["compliance"])
    response = client.get(f"/projects/{project.slug}/risks/R-001/")
    history = response.context["history"]
    # newest first: the review's own entry, then the risk's review date; the edit; the creation
    assert [entry.content_type.model for entry in history] == ["risk", "riskreview", "risk", "risk"]
    rows = dict((field, (before, after)) for field, before, after in history[2].change_rows)
    assert rows["mitigation"] == ("", "Schema diff alerts")
    assert rows["owner"] == (team["engineer"].display_name, team["mlops"].display_name)
    assert "Schema diff alerts" in response.content.decode()


def test_governing_roles_set_the_acceptance_threshold(client, project, team):
    client.force_login(team["compliance"])
    response = client.post(f"/projects/{project.slug}/risks/settings/", {"acceptance_threshold": 8})
    assert response.status_code == 302
    assert RiskRegister.objects.get(project=project).acceptance_threshold == 8
    assert client.post(f"/projects/{project.slug}/risks/settings/", {"acceptance_threshold": 30}).status_code == 200


def test_portfolio_filters_by_band_owner_unowned_and_overdue(client, project, team, make_risk):
    make_risk(title="High one", impact=5, likelihood=4)
    make_risk(title="Low one", impact=1, likelihood=2, owner=None)
    stale = make_risk(title="Stale one", impact=3, likelihood=3)
    Risk.objects.filter(pk=stale.pk).update(next_review_on=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(team["compliance"])

    def titles(**params):
        return [risk.title for risk in client.get("/risks/", params).context["risks"]]

    assert titles() == ["High one", "Stale one", "Low one"]  # highest residual first
    assert titles(residual_band="high") == ["High one"]
    assert titles(unowned="on") == ["Low one"]
    assert titles(overdue="on") == ["Stale one"]
    assert titles(owner=team["engineer"].pk, sort="title") == ["High one", "Stale one"]
    assert titles(project=project.slug, sort="-code") == ["Stale one", "Low one", "High one"]
    assert titles(q="R-002") == ["Low one"]


# --- API ----------------------------------------------------------------------------------


def test_api_creates_reviews_and_accepts_risks(api_client, project, team):
    api_client.force_authenticate(team["compliance"])
    base = f"/api/v1/projects/{project.slug}/risks/"
    created = api_client.post(
        base, {**FORM, "owner": team["engineer"].pk, "residual_impact": 1, "residual_likelihood": 3}
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["code"], body["inherent_score"], body["inherent_band"], body["residual_score"]) == (
        "R-001",
        12,
        "high",
        3,
    )
    review = api_client.post(f"{base}R-001/reviews/", {"note": "Weekly risk update"})
    assert review.status_code == 201 and review.json()["reviewed_by"]["username"] == team["compliance"].username
    assert len(api_client.get(f"{base}R-001/reviews/").json()) == 1
    accepted = api_client.post(f"{base}R-001/accept/", {"expires_on": future(60), "note": "Within appetite"})
    assert accepted.status_code == 201 and accepted.json()["residual_score"] == 3
    assert api_client.get(f"{base}R-001/").json()["status"] == "accepted"


def test_openapi_schema_lists_the_risk_endpoints(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in (
        "/api/v1/projects/{project_slug}/risks/",
        "/api/v1/projects/{project_slug}/risks/{risk_code}/",
        "/api/v1/projects/{project_slug}/risks/{risk_code}/reviews/",
        "/api/v1/projects/{project_slug}/risks/{risk_code}/accept/",
        "/api/v1/projects/{project_slug}/risks/import/",
        "/api/v1/risks/",
        "/api/v1/risks/export/{file_format}/",
    ):
        assert path in paths, path
    export_params = {param["name"] for param in paths["/api/v1/risks/export/{file_format}/"]["get"]["parameters"]}
    assert {"residual_band", "project", "overdue", "sort"} <= export_params


# --- Constant queries at 5,000 risks -------------------------------------------------------


def bulk_risks(project, owners, count):
    """`count` risks straight into the table (no services: speed), with codes after the existing ones."""
    rng = random.Random(5)
    today = timezone.localdate()
    start = Risk.objects.filter(project=project).count()
    rows = []
    for number in range(start + 1, start + count + 1):
        impact, likelihood = rng.randint(1, 5), rng.randint(1, 5)
        rows.append(
            Risk(
                project=project,
                number=number,
                title=f"Bulk risk {number}",
                category=rng.choice(Category.values),
                impact=impact,
                likelihood=likelihood,
                residual_impact=rng.randint(1, impact),
                residual_likelihood=rng.randint(1, likelihood),
                owner=rng.choice([*owners, None]),
                next_review_on=today + datetime.timedelta(days=rng.randint(-20, 30)),
            )
        )
    Risk.objects.bulk_create(rows, batch_size=1000)


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("viewer", ["compliance", "auditor"])
def test_portfolio_page_and_api_run_the_same_queries_at_10_and_5000_risks(
    client, api_client, project, team, auditor, django_assert_max_num_queries, viewer
):
    other = ProjectFactory()
    add_member(other, team["compliance"], Role.COMPLIANCE_OFFICER)
    user = auditor if viewer == "auditor" else team["compliance"]
    client.force_login(user)
    api_client.force_authenticate(user)
    owners = [team["engineer"], team["mlops"], team["scientist"]]

    def page():
        response = client.get("/risks/", {"sort": "-residual", "status": "live"})
        assert response.status_code == 200

    def api():
        response = api_client.get("/api/v1/risks/", {"status": "live", "sort": "-residual", "page_size": 100})
        assert response.status_code == 200 and response.json()["results"]

    bulk_risks(project, owners, 5)
    bulk_risks(other, [other.owner], 5)
    page(), api()  # warm the per-user permission caches that every later request finds warm too
    small = (count_queries(page), count_queries(api))
    bulk_risks(project, owners, 2500)
    bulk_risks(other, [other.owner], 2490)
    assert Risk.objects.count() == 5000
    with django_assert_max_num_queries(12):  # issue 16's goal (14 before the lazy filter choices)
        page()
    with django_assert_max_num_queries(10):
        api()
    assert (count_queries(page), count_queries(api)) == small


def test_project_register_page_runs_constant_queries(client, project, team, django_assert_max_num_queries):
    client.force_login(team["compliance"])
    bulk_risks(project, [team["engineer"]], 5)
    client.get(f"/projects/{project.slug}/risks/")
    small = count_queries(lambda: client.get(f"/projects/{project.slug}/risks/"))
    bulk_risks(project, [team["engineer"], team["mlops"]], 500)
    with django_assert_max_num_queries(20):
        client.get(f"/projects/{project.slug}/risks/")
    assert count_queries(lambda: client.get(f"/projects/{project.slug}/risks/")) == small


def test_anonymous_visitors_are_sent_to_login_from_the_portfolio_and_the_api_answers_401(client, api_client):
    # Project registers: tests/risks/test_permissions.py.
    assert client.get("/risks/").status_code == 302
    assert api_client.get("/api/v1/risks/").status_code == 401


def test_deactivated_owner_is_not_offered_and_unknown_users_are_refused(client, project, team):
    stranger = UserFactory()
    client.force_login(team["owner"])
    response = client.post(f"/projects/{project.slug}/risks/new/", {**FORM, "owner": stranger.pk})
    assert response.status_code == 200 and "owner" in response.context["form"].errors
