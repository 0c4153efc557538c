"""Hidden projects stay hidden in lists and counts.

Who may do what on a project (roles x pages and endpoints, outsiders, auditors, anonymous
visitors): tests/projects/test_permissions.py, on the shared permission suite.
"""

from django.urls import reverse

from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory, add_member


def test_hidden_projects_never_appear_in_lists_or_counts(client, api_client, db):
    mine, theirs = ProjectFactory(name="Mine"), ProjectFactory(name="Secret fraud model")
    user = UserFactory()
    add_member(mine, user, Role.QA_ENGINEER)
    client.force_login(user)
    page = client.get(reverse("projects:project-list")).content.decode()
    assert "Mine" in page and "Secret fraud model" not in page
    assert "1 project you can see" in page
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/projects/", {"q": "Secret"}).json()
    assert body["count"] == 0
    assert [p["slug"] for p in api_client.get("/api/v1/projects/").json()["results"]] == [mine.slug]
    assert theirs.slug not in client.get(reverse("audit:auditentry-list")).content.decode()
