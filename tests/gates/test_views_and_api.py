import pytest

from apps.gates.choices import GateState
from apps.gates.selectors import gate_for
from apps.projects.choices import Role, Stage


def url(project, stage="scoping"):
    return f"/projects/{project.slug}/gates/{stage}/"


def test_gate_page_shows_criteria_and_disables_submission_until_met(client, scoping_gate):
    project = scoping_gate.project
    client.force_login(project.owner)
    page = client.get(url(project)).content.decode()
    assert "Go / No-Go criteria for feasibility written" in page and "Blocked until every exit criterion is met" in page
    response = client.post(url(project), {"action": "submit", "due_on": "2099-01-01"})
    assert response.status_code == 400 and "Exit criteria not met" in response.content.decode()
    client.post(url(project), {"action": "criteria", "go_no_go_criteria": "Uplift ≥ 2 points"})
    response = client.post(url(project), {"action": "submit", "due_on": "2099-01-01", "note": "Ready"})
    assert response.status_code == 302
    assert gate_for(project=project, stage=Stage.SCOPING).state == GateState.AWAITING_SIGNOFF


def test_api_lists_gates_and_submits_records_and_reopens(api_client, scoping_gate, auditor):
    project = scoping_gate.project
    base = f"/api/v1/projects/{project.slug}/gates/"
    api_client.force_authenticate(auditor)
    gates = api_client.get(base).json()
    assert [g["stage"] for g in gates] == list(Stage.values)
    assert api_client.post(f"{base}scoping/criteria/", {"go_no_go_criteria": "x"}, format="json").status_code == 403
    api_client.force_authenticate(project.owner)
    blocked = api_client.post(f"{base}scoping/submit/", {}, format="json")
    assert blocked.status_code == 400 and "Exit criteria not met" in blocked.json()["error"]["message"]
    assert api_client.post(f"{base}scoping/criteria/", {"go_no_go_criteria": "x"}, format="json").status_code == 200
    signoff = api_client.post(f"{base}scoping/submit/", {"note": "go"}, format="json").json()
    api_client.force_authenticate(project.sponsor)
    decided = api_client.post(
        f"/api/v1/projects/{project.slug}/signoffs/{signoff['id']}/decide/", {"approve": True}, format="json"
    )
    assert decided.json()["state"] == "approved"
    api_client.force_authenticate(project.owner)
    detail = api_client.get(f"{base}scoping/").json()
    assert detail["state"] == "approved" and detail["criteria_met"] is True
    assert [h["kind"] for h in detail["history"]] == ["submitted", "approved"]
    reopened = api_client.post(f"{base}scoping/reopen/", {"reason": "Scope grew"}, format="json").json()
    assert reopened["state"] == "reopened"
    no_go = api_client.post(
        f"{base}feasibility/decision/", {"decision": "no_go", "rationale": "No data"}, format="json"
    )
    assert no_go.status_code == 200
    assert api_client.get(f"/api/v1/projects/{project.slug}/").json()["status"] == "on_hold"


@pytest.mark.parametrize("extra_members", [0, 12])
def test_project_page_with_its_gate_timeline_runs_constant_queries(
    db, client, scoping_gate, member_of, django_assert_max_num_queries, extra_members
):
    project = scoping_gate.project
    for _ in range(extra_members):
        member_of(project, Role.QA_ENGINEER)
    client.force_login(project.owner)
    with django_assert_max_num_queries(16):
        page = client.get(f"/projects/{project.slug}/").content.decode()
    assert 'data-stage="scoping"' in page
