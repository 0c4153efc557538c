import pytest
from django.urls import reverse

from apps.projects.choices import Role
from apps.signoffs import services
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import EventKind, Policy, RequestState
from tests.factories import ProjectFactory, UserFactory, add_member


def make_request(project, due, roles=("compliance_officer", "ethics_reviewer"), **kwargs):
    return services.signoff_request(
        actor=project.owner, target=project, due_on=due, approvers=ApproverSpec(roles=tuple(roles), **kwargs)
    )


def test_an_approver_decides_in_the_browser_with_the_evidence_on_the_page(client, charter, project, team, due):
    signoff = make_request(project, due, policy=Policy.ANY)
    client.force_login(team["ethics"])
    inbox = client.get(reverse("signoffs:inbox")).content.decode()
    assert signoff.title in inbox
    page = client.get(signoff.get_absolute_url()).content.decode()
    assert "What is being signed" in page and "AUC-ROC ≥ 0.80" in page and signoff.fingerprint in page
    response = client.post(signoff.get_absolute_url(), {"action": "approve", "note": "Looks right"})
    assert response.status_code == 302
    signoff.refresh_from_db()
    assert signoff.state == RequestState.APPROVED


def test_a_rejection_without_a_reason_is_refused_in_the_browser_and_nothing_is_saved(
    client, charter, project, team, due
):
    signoff = make_request(project, due)
    client.force_login(team["compliance"])
    response = client.post(signoff.get_absolute_url(), {"action": "reject", "note": ""})
    assert response.status_code == 400
    assert "Say why you reject" in response.content.decode()
    assert signoff.events.count() == 1


def test_the_requester_sees_no_decision_form(client, charter, project, team, due):
    signoff = make_request(project, due)
    client.force_login(project.owner)
    page = client.get(signoff.get_absolute_url()).content.decode()
    assert "separation of duties" in page and 'value="approve"' not in page
    client.post(signoff.get_absolute_url(), {"action": "approve"})
    assert not signoff.events.filter(kind=EventKind.APPROVED).exists()


def test_api_decide_and_withdraw_follow_the_same_rules(api_client, charter, project, team, due, auditor):
    signoff = make_request(project, due)
    url = f"/api/v1/projects/{project.slug}/signoffs/{signoff.pk}/"
    api_client.force_authenticate(auditor)
    assert api_client.get(url).json()["state"] == "open"
    refused = api_client.post(f"{url}decide/", {"approve": True}, format="json")
    # A portal-wide reader is refused by the access code, before the engine.
    assert refused.status_code == 403 and "project roles do not allow" in refused.json()["error"]["message"]
    api_client.force_authenticate(team["pm"])
    refused = api_client.post(f"{url}decide/", {"approve": True}, format="json")
    assert refused.status_code == 403 and "not one of the approvers" in refused.json()["error"]["message"]
    api_client.force_authenticate(project.owner)
    assert api_client.post(f"{url}decide/", {"approve": True}, format="json").status_code == 403
    api_client.force_authenticate(team["ethics"])
    assert api_client.get("/api/v1/signoffs/inbox/").json()["count"] == 1
    body = api_client.post(f"{url}decide/", {"approve": True, "note": "ok"}, format="json").json()
    assert [e["kind"] for e in body["events"]] == ["requested", "approved"]
    api_client.force_authenticate(team["compliance"])
    assert api_client.post(f"{url}withdraw/", {}, format="json").status_code == 403
    api_client.force_authenticate(project.owner)
    body = api_client.post(f"{url}withdraw/", {"note": "scope changed"}, format="json").json()
    assert body["state"] == "withdrawn"
    closed = api_client.post(f"{url}withdraw/", {}, format="json")
    assert closed.status_code == 400 and "already withdrawn" in closed.json()["error"]["message"]


@pytest.mark.parametrize("requests", [1, 8])
def test_inbox_page_and_endpoint_run_constant_queries(
    db, client, api_client, charter, due, django_assert_max_num_queries, requests
):
    approver = UserFactory()
    for _ in range(requests):
        project = ProjectFactory()
        add_member(project, approver, Role.COMPLIANCE_OFFICER)
        make_request(project, due, roles=("compliance_officer",))
    client.force_login(approver)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("signoffs:inbox")).content.decode().count("Review &amp; decide") == requests
    api_client.force_authenticate(approver)
    with django_assert_max_num_queries(10):
        assert api_client.get("/api/v1/signoffs/inbox/").json()["count"] == requests
