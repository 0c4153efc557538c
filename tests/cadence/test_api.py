"""The cadence API: series, occurrences, records and the calendar, through the project's permissions."""

import datetime

import pytest

from apps.cadence import services
from apps.cadence.choices import ReviewKind
from tests.factories import ProjectFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def _base(project):
    return f"/api/v1/projects/{project.slug}/review-series/"


def test_list_and_create_series(api_client, project, team, today):
    client = _as(api_client, team["owner"])
    response = client.post(
        _base(project),
        {"kind": "quarterly", "title": "Deep dive", "chair_role": "compliance_officer", "starts_on": "2026-11-30"},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["rule"].startswith("FREQ=MONTHLY;INTERVAL=3")
    listed = {s["title"]: s for s in client.get(_base(project)).json()}
    assert listed["Deep dive"]["next_occurrence"] == "2026-11-30"
    assert len(listed) == 4  # with the project's three default series


def test_bad_rule_has_the_error_shape(api_client, project, team, today):
    response = _as(api_client, team["owner"]).post(
        _base(project),
        {
            "kind": "weekly",
            "title": "x",
            "chair_role": "product_owner",
            "starts_on": "2026-11-30",
            "rule": "FREQ=SECONDLY",
        },
    )
    assert response.status_code == 400
    assert "rule" in response.json()["error"]["fields"]


def test_record_a_meeting_and_read_it_back(api_client, weekly, team, make_risk, today):
    risk = make_risk()
    client = _as(api_client, team["pm"])
    url = f"{_base(weekly.project)}{weekly.pk}/occurrences/2026-11-30/"
    response = client.post(
        f"{url}record/",
        {
            "held_on": "2026-11-30",
            "attendees": [team["pm"].pk, team["scientist"].pk],
            "chair": team["owner"].pk,
            "decisions": ["Go ahead"],
            "actions": [{"title": "Write it up", "owner": team["scientist"].pk, "due_on": "2026-12-03"}],
            "reviewed_risks": [risk.code],
        },
    )
    assert response.status_code == 200, response.json()
    body = client.get(url).json()
    assert body["status"] == "held"
    assert [d["text"] for d in body["decisions"]] == ["Go ahead"]
    assert body["reviewed_risks"] == [risk.code]
    assert body["attestation"]["state"] == "open"
    records = client.get(f"/api/v1/projects/{weekly.project.slug}/review-records/").json()
    assert records["count"] == 1


def test_occurrences_endpoint_lists_rule_dates(api_client, weekly, team, today):
    body = (
        _as(api_client, team["scientist"])
        .get(f"{_base(weekly.project)}{weekly.pk}/occurrences/", {"from": "2026-11-30", "to": "2026-12-21"})
        .json()
    )
    assert [o["scheduled_on"] for o in body] == ["2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"]
    assert body[0]["status"] == "due"


def test_auditor_reads_and_every_write_is_403(api_client, weekly, auditor, today):
    client = _as(api_client, auditor)
    assert client.get(_base(weekly.project)).status_code == 200
    assert client.post(_base(weekly.project), {}).status_code == 403
    assert client.post(f"{_base(weekly.project)}{weekly.pk}/pause/").status_code == 403
    assert client.post(f"{_base(weekly.project)}{weekly.pk}/occurrences/2026-11-30/record/", {}).status_code == 403


def test_outsider_gets_404_and_attendee_403(api_client, weekly, outsider, team, today):
    assert _as(api_client, outsider).get(_base(weekly.project)).status_code == 404
    api_client.force_authenticate(None)
    response = _as(api_client, team["scientist"]).post(f"{_base(weekly.project)}{weekly.pk}/pause/")
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403


def test_anonymous_gets_401(api_client, weekly):
    assert api_client.get(_base(weekly.project)).status_code == 401
    assert api_client.get("/api/v1/calendar/").status_code == 401


def test_calendar_api_filters_and_refuses_wide_ranges(api_client, weekly, team, today):
    client = _as(api_client, team["scientist"])
    body = client.get("/api/v1/calendar/", {"kind": "reviews", "from": "2026-11-30", "to": "2026-12-07"}).json()
    assert [(e["day"], e["project"]) for e in body if e["title"] == "weekly review"] == [
        ("2026-11-30", weekly.project.slug),
        ("2026-12-07", weekly.project.slug),
    ]
    assert client.get("/api/v1/calendar/", {"from": "2026-01-01", "to": "2028-01-01"}).status_code == 400
    assert client.get("/api/v1/calendar/", {"kind": "nope"}).status_code == 400
    assert client.get("/api/v1/calendar/", {"project": "not-mine"}).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_list_endpoints_query_count_is_constant(api_client, team, today, count, django_assert_max_num_queries):
    project = ProjectFactory(owner=team["owner"])
    for n in range(count):
        series = services.series_create(
            actor=team["owner"],
            project=project,
            kind=ReviewKind.WEEKLY,
            title=f"S{n}",
            starts_on=TODAY - datetime.timedelta(days=14),
            chair_role="product_owner",
            rule="FREQ=WEEKLY",
        )
        services.occurrence_record(
            actor=team["owner"],
            series=series,
            scheduled_on=TODAY - datetime.timedelta(days=7),
            held_on=TODAY - datetime.timedelta(days=7),
            attendees=[team["owner"]],
            decisions=["d1", "d2"],
            actions=[{"title": "a", "owner": team["owner"], "due_on": TODAY}],
        )
    client = _as(api_client, team["owner"])
    for url in (
        _base(project),
        f"/api/v1/projects/{project.slug}/review-records/",
        "/api/v1/calendar/",
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200, url
