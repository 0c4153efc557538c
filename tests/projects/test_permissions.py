"""Project pages and API through the permission suite (tests/permission_suite.py)."""

import pytest

from apps.projects import roles
from apps.projects.choices import Role
from tests.factories import edit_form_data
from tests.permission_suite import api, assert_access, page, permission_cases

pytestmark = pytest.mark.django_db

# Deletions go to the staffed project without governance records.
BARE = {"project_slug": lambda w: w.bare_project.slug}
MEMBER = {"membership_id": lambda w: w.membership.pk}


def _newcomer(world):
    return {"user": world.newcomer.pk, "role": Role.DOMAIN_SME}


def _project(world):
    project = world.project
    return {
        "name": "Renamed",
        "problem_statement": project.problem_statement,
        "use_case": project.use_case,
        "objective": project.objective,
        "latency_class": project.latency_class,
        "primary_metric": project.primary_metric,
        "minimum_threshold": project.minimum_threshold,
    }


ENDPOINTS = [
    page("projects:project-detail"),
    page("projects:project-update", "get", roles.CHANGE),
    page("projects:project-update", "post", roles.CHANGE, data=lambda w: edit_form_data(w.project, name="Renamed")),
    page("projects:project-delete", "get", roles.DELETE, **BARE),
    page("projects:project-delete", "post", roles.DELETE, data=lambda w: {"confirm_name": w.bare_project.name}, **BARE),
    page("projects:project-retire", "post", roles.DELETE, data={"reason": "Superseded."}, **BARE),
    page("projects:member-list"),
    page("projects:member-list", "post", roles.MANAGE_MEMBERS, data=_newcomer),
    page("projects:member-remove", "post", roles.MANAGE_MEMBERS, **MEMBER),
    page("audit:project-auditentry-list", "get", roles.VIEW_AUDIT),
    api("project-detail"),
    api("project-detail", "put", roles.CHANGE, data=_project),
    api("project-detail", "patch", roles.CHANGE, data={"name": "Renamed"}),
    api("project-detail", "delete", roles.DELETE, **BARE),
    api("project-retire", "post", roles.DELETE, data={"reason": "Superseded."}, **BARE),
    api("project-member-list"),
    api("project-member-list", "post", roles.MANAGE_MEMBERS, data=_newcomer),
    api("project-member-detail", pk=lambda w: w.membership.pk),
    api("project-member-detail", "delete", roles.MANAGE_MEMBERS, pk=lambda w: w.membership.pk),
]


@pytest.mark.parametrize(("endpoint", "who"), permission_cases(ENDPOINTS))
def test_project_permissions(endpoint, who, permission_world):
    assert_access(endpoint, who, permission_world)
