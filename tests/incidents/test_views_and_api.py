"""Pages and endpoints: query counts at two sizes, the journey through the API, exports read back."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from apps.incidents import services
from apps.incidents.choices import Status
from apps.signoffs import services as signoff_services

pytestmark = pytest.mark.django_db


def _fill(make_incident, team, n):
    for i in range(n):
        incident = make_incident(title=f"Incident {i}", commander=team["mlops"])
        services.action_item_create(
            actor=team["owner"],
            incident=incident,
            title="Fix",
            owner=team["scientist"],
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        if i % 2:
            services.incident_transition(actor=team["mlops"], incident=incident, to=Status.RESOLVED)


@pytest.mark.parametrize("n", [2, 12])
def test_list_pages_and_endpoints_use_a_constant_number_of_queries(
    client, api_client, project, make_incident, team, n, django_assert_max_num_queries
):
    _fill(make_incident, team, n)
    client.force_login(team["compliance"])
    api_client.force_authenticate(team["compliance"])
    for url, limit in (
        (reverse("incidents:incident-list", args=[project.slug]), 17),
        (reverse("incidents:portfolio"), 15),
        (f"{reverse('incidents:portfolio')}?overdue_actions=on&severity=P2", 15),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    for url in (f"/api/v1/projects/{project.slug}/incidents/", "/api/v1/incidents/", "/api/v1/incidents/figures/"):
        with django_assert_max_num_queries(7):
            assert api_client.get(url).status_code == 200


def test_detail_page_queries_do_not_grow_with_the_timeline(
    client, project, make_incident, team, django_assert_max_num_queries
):
    incident = make_incident()
    for i in range(15):
        services.timeline_add(actor=team["mlops"], incident=incident, text=f"Step {i}")
        services.action_item_create(
            actor=team["owner"], incident=incident, title=f"A{i}", owner=team["scientist"], due_on=timezone.localdate()
        )
    client.force_login(team["owner"])
    with django_assert_max_num_queries(40):
        assert client.get(incident.get_absolute_url()).status_code == 200


def test_portfolio_filters_overdue_reviews_and_actions(client, project, make_incident, team):
    quiet = make_incident(title="Quiet one")
    late = make_incident(title="Late actions")
    services.action_item_create(
        actor=team["owner"],
        incident=late,
        title="Fix",
        owner=team["scientist"],
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    client.force_login(team["compliance"])
    page = client.get(reverse("incidents:portfolio") + "?overdue_actions=on").content.decode()
    assert "Late actions" in page and quiet.title not in page
    page = client.get(reverse("incidents:portfolio") + "?overdue_review=on").content.decode()
    assert "Late actions" not in page


def test_api_journey_from_opening_to_closing(api_client, project, team):
    base = f"/api/v1/projects/{project.slug}/incidents/"
    api_client.force_authenticate(team["mlops"])
    created = api_client.post(
        base,
        {
            "title": "Latency p99 5x baseline",
            "severity": "P1",
            "category": "infrastructure",
            "commander": team["mlops"].pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert created.json()["available_transitions"] == ["acknowledged", "mitigated", "resolved"]
    for step in ("acknowledged", "mitigated", "resolved"):
        assert api_client.post(f"{base}{code}/transition/", {"to": step}, format="json").status_code == 200
    review = api_client.patch(
        f"{base}{code}/review/",
        {"root_cause": "Pod autoscaler cap", "went_well": "Paged", "went_poorly": "Slow scale-up", "data_loss": False},
        format="json",
    )
    assert review.status_code == 200, review.content
    item = api_client.post(
        f"{base}{code}/action-items/",
        {"title": "Raise the cap", "owner": team["mlops"].pk, "due_on": "2030-01-01", "status": "open"},
        format="json",
    )
    assert item.status_code == 201, item.content
    submitted = api_client.post(f"{base}{code}/review/submit/", {}, format="json")
    assert submitted.status_code == 201, submitted.content
    refused = api_client.post(f"{base}{code}/close/", {}, format="json")
    assert refused.status_code == 400 and "approved" in refused.json()["error"]["message"]
    signoff = signoff_services.SignoffRequest.objects.get(pk=submitted.json()["signoff"])
    for person in (team["owner"], team["compliance"]):
        signoff_services.signoff_decide(actor=person, signoff=signoff, approve=True, note="")
    closed = api_client.post(f"{base}{code}/close/", {"note": "Lessons in place"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    done = api_client.patch(
        f"{base}{code}/action-items/{item.json()['id']}/",
        {"status": "done", "evidence_url": "https://git.example/pr/9"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["completed_at"]


def test_api_refuses_status_in_a_patch_and_answers_the_error_shape(api_client, project, make_incident, team):
    incident = make_incident()
    api_client.force_authenticate(team["mlops"])
    url = f"/api/v1/projects/{project.slug}/incidents/{incident.code}/"
    response = api_client.patch(url, {"status": "closed", "severity": "P9"}, format="json")
    assert response.status_code == 400
    assert "severity" in response.json()["error"]["fields"]
    incident.refresh_from_db()
    assert incident.status == Status.DETECTED


@pytest.fixture
def approved(resolved_incident, team):
    services.action_item_create(
        actor=team["owner"],
        incident=resolved_incident,
        title="Add schema contract test",
        owner=team["scientist"],
        due_on=datetime.date(2030, 1, 31),
    )
    signoff = services.review_submit(actor=team["mlops"], review=resolved_incident.review)
    for person in (team["owner"], team["compliance"]):
        signoff_services.signoff_decide(actor=person, signoff=signoff, approve=True, note="")
    resolved_incident.refresh_from_db()
    return resolved_incident


def test_review_pdf_reads_back_with_the_template_sections(client, project, approved, team, caplog):
    client.force_login(team["compliance"])
    response = client.get(reverse("incidents:review-export", args=[project.slug, approved.code, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not [r for r in caplog.records if r.name.startswith("weasyprint") and r.levelname in ("WARNING", "ERROR")]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Incident review · INC-001",
        "Timeline",
        "Impact",
        "Users affected: 1200",
        "Root cause",
        "A schema change renamed a feature.",
        "What went well",
        "What went poorly",
        "Add schema contract test",
        "Approved under sign-off",
        project.name,
    ):
        assert expected in text, expected


def test_review_markdown_follows_the_template(client, project, approved, team):
    client.force_login(team["owner"])
    response = client.get(reverse("incidents:review-export", args=[project.slug, approved.code, "md"]))
    body = response.content.decode()
    assert response["Content-Disposition"].endswith('.md"')
    assert body.startswith("# INCIDENT REVIEW — INC-001")
    assert "- **Severity:** P2" in body and "## ROOT CAUSE".lower() in body.lower()
    assert f"- [ ] Add schema contract test - Owner: @{team['scientist'].username} - Due: 2030-01-31" in body


def test_api_figures_count_reviews_on_time_and_overdue_actions(api_client, project, approved, team):
    api_client.force_authenticate(team["owner"])
    url = f"/api/v1/projects/{project.slug}/incidents/figures/"
    figures = api_client.get(url).json()
    assert figures["total"] == 1 and figures["reviews"]["on_time"] == 1 and figures["reviews_on_time_pct"] == 100
    assert figures["mean_time_to_resolve_seconds"] is not None
    assert len(figures["per_month"]) == 12
    services.action_item_create(
        actor=team["owner"], incident=approved, title="Second", owner=team["owner"], due_on=datetime.date(2030, 2, 1)
    )
    figures = api_client.get(url).json()
    assert sum(month["count"] for month in figures["per_month"]) == 1  # one incident, not one per action item
    assert figures["actions"]["open"] == 2


def test_webhook_settings_never_show_an_existing_token(client, project, team):
    token = services.webhook_token_rotate(actor=team["owner"], project=project)
    client.force_login(team["owner"])
    page = client.get(reverse("incidents:webhook", args=[project.slug])).content.decode()
    assert token not in page and token[-4:] in page
    fresh = client.post(reverse("incidents:webhook", args=[project.slug])).content.decode()
    assert "copy it now" in fresh
