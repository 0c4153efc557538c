"""What waits for me: the count in the navigation, the paginated inbox with filters, what I submitted."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.projects.choices import Role
from apps.signoffs import services
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy
from apps.signoffs.models import SignoffRequest
from tests.factories import ProjectFactory, UserFactory, add_member


def make_request(project, due, roles=("compliance_officer", "ethics_reviewer"), **kwargs):
    return services.signoff_request(
        actor=project.owner, target=project, due_on=due, approvers=ApproverSpec(roles=tuple(roles), **kwargs)
    )


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_every_page_asks_for_the_sign_off_count_through_htmx(client, charter, project, team, due):
    client.force_login(team["ethics"])
    page = client.get(reverse("projects:project-list")).content.decode()
    assert f'hx-get="{reverse("signoffs:inbox-count")}"' in page


def test_the_navigation_count_says_how_many_requests_wait_for_me(client, charter, project, team, due):
    client.force_login(team["ethics"])
    assert "signoff-count" not in client.get(reverse("signoffs:inbox-count")).content.decode()
    make_request(project, due)
    other = ProjectFactory()
    add_member(other, team["ethics"], Role.ETHICS_REVIEWER)
    make_request(other, due, roles=("ethics_reviewer",))
    badge = client.get(reverse("signoffs:inbox-count")).content.decode()
    assert 'data-testid="signoff-count">2<' in badge
    client.force_login(project.owner)  # the requester is never an approver of their own requests
    assert "signoff-count" not in client.get(reverse("signoffs:inbox-count")).content.decode()


def test_the_navigation_count_costs_pages_nothing_and_itself_a_constant_number_of_queries(
    client, charter, project, team, due
):
    client.force_login(team["ethics"])
    make_request(project, due)
    url = reverse("signoffs:inbox-count")
    client.get(url)
    small = count_queries(lambda: client.get(url))
    for _ in range(5):
        other = ProjectFactory()
        add_member(other, team["ethics"], Role.ETHICS_REVIEWER)
        make_request(other, due, roles=("ethics_reviewer",))
    assert count_queries(lambda: client.get(url)) == small


def test_my_sign_offs_lists_what_i_submitted_and_who_it_waits_on(client, charter, project, team, due):
    signoff = make_request(project, due)
    services.signoff_decide(actor=team["compliance"], signoff=signoff, approve=True, note="fine")
    client.force_login(project.owner)
    response = client.get(reverse("signoffs:inbox"))
    submitted = response.context["submitted"]
    assert [r.pk for r in submitted] == [signoff.pk]
    assert submitted[0].waiting_on == [("Ethics / Fairness Reviewer", [team["ethics"]])]
    html = response.content.decode()
    assert "you submitted, still open" in html and team["ethics"].display_name in html


def test_a_role_nobody_else_holds_is_named_as_such(client, charter, project, team, due):
    add_member(project, project.owner, Role.QA_ENGINEER)
    other_qa = UserFactory()
    add_member(project, other_qa, Role.QA_ENGINEER)
    make_request(project, due, roles=("qa_engineer",))
    other_qa.is_active = False
    other_qa.save()
    client.force_login(project.owner)
    html = client.get(reverse("signoffs:inbox")).content.decode()
    assert "nobody holds this role" in html


def test_the_inbox_is_paginated_and_keeps_its_filters_in_the_url(client, charter, team, due):
    approver = team["ethics"]
    late = timezone.localdate() - datetime.timedelta(days=2)
    for n in range(30):
        other = ProjectFactory(name=f"Alpha {n}" if n < 27 else f"Beta {n}")
        add_member(other, approver, Role.ETHICS_REVIEWER)
        signoff = make_request(other, due, roles=("ethics_reviewer",))
        if n % 2:  # requests are opened with a future due date; these became overdue since
            SignoffRequest.objects.filter(pk=signoff.pk).update(due_on=late)
    client.force_login(approver)
    first = client.get(reverse("signoffs:inbox"))
    assert first.context["paginator"].count == 30 and len(first.context["requests"]) == 25
    overdue = client.get(reverse("signoffs:inbox"), {"overdue": "true"})
    assert overdue.context["paginator"].count == 15
    assert all(r.due_on < timezone.localdate() for r in overdue.context["requests"])
    beta = client.get(reverse("signoffs:inbox"), {"q": "Beta"})
    assert beta.context["paginator"].count == 3
    project_slug = first.context["requests"][0].project.slug
    one = client.get(reverse("signoffs:inbox"), {"project": project_slug, "page": 1})
    assert [r.project.slug for r in one.context["requests"]] == [project_slug]
    alpha = client.get(reverse("signoffs:inbox"), {"q": "Alpha"})
    assert alpha.context["paginator"].count == 27
    assert "?q=Alpha&amp;page=2" in alpha.content.decode()
    second = client.get(reverse("signoffs:inbox"), {"q": "Alpha", "page": 2})
    assert len(second.context["requests"]) == 2


@pytest.mark.parametrize("requests", [2, 40])
def test_inbox_with_submitted_list_runs_constant_queries(
    db, client, api_client, charter, due, django_assert_max_num_queries, requests
):
    approver = UserFactory()
    requester = UserFactory(creator=True)
    for _ in range(requests):
        project = ProjectFactory(owner=requester)
        add_member(project, approver, Role.COMPLIANCE_OFFICER)
        add_member(project, UserFactory(), Role.ETHICS_REVIEWER)
        make_request(project, due, roles=("compliance_officer", "ethics_reviewer"))
    client.force_login(approver)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("signoffs:inbox")).status_code == 200
    client.force_login(requester)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("signoffs:inbox"))
    assert len(response.context["submitted"]) == min(requests, 25)
    api_client.force_authenticate(requester)
    with django_assert_max_num_queries(10):
        body = api_client.get("/api/v1/signoffs/submitted/").json()
    assert body["count"] == requests
    assert {slot["slot"] for slot in body["results"][0]["waiting_on"]} == {
        "Security / Compliance Officer",
        "Ethics / Fairness Reviewer",
    }


def test_api_counts_and_filters_the_inbox(api_client, charter, project, team, due):
    make_request(project, due, policy=Policy.ANY)
    api_client.force_authenticate(team["ethics"])
    assert api_client.get("/api/v1/signoffs/inbox/count/").json() == {"waiting_for_me": 1, "submitted_open": 0}
    assert api_client.get("/api/v1/signoffs/inbox/", {"overdue": "true"}).json()["count"] == 0
    assert api_client.get("/api/v1/signoffs/inbox/", {"project": project.slug}).json()["count"] == 1
    api_client.force_authenticate(project.owner)
    assert api_client.get("/api/v1/signoffs/inbox/count/").json() == {"waiting_for_me": 0, "submitted_open": 1}
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/signoffs/inbox/count/").status_code in (401, 403)
    assert api_client.get("/api/v1/signoffs/submitted/").status_code in (401, 403)
