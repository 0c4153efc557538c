"""One "members of this project" query: apps.projects.selectors.project_members (and who holds which role)."""

import pytest

from apps.projects.choices import Role
from apps.projects.models import Project
from apps.projects.selectors import project_members, project_role_holders
from tests.factories import ProjectFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(project):
    """The owner, a person with two roles, a data scientist who left (inactive), and someone on another project."""
    both = UserFactory(first_name="Bea", last_name="Both")
    add_member(project, both, Role.DATA_SCIENTIST)
    add_member(project, both, Role.COMPLIANCE_OFFICER)
    left = UserFactory(first_name="Lou", last_name="Left")
    add_member(project, left, Role.DATA_SCIENTIST)
    left.is_active = False
    left.save()
    other = ProjectFactory()
    return {"project": project, "both": both, "left": left, "other": other}


def test_members_are_each_active_person_once_by_name(staffed):
    project = staffed["project"]
    members = list(project_members(project=project))
    assert members == sorted({project.owner, staffed["both"]}, key=lambda u: (u.first_name, u.last_name, u.username))
    assert staffed["left"] not in members and staffed["other"].owner not in members


def test_members_holding_given_roles(staffed):
    project = staffed["project"]
    assert list(project_members(project=project, roles=[Role.DATA_SCIENTIST])) == [staffed["both"]]
    assert list(project_members(project=project, roles=[Role.PRODUCT_OWNER])) == [project.owner]
    assert not project_members(project=project, roles=[Role.ETHICS_REVIEWER]).exists()
    assert not project_members(project=project, roles=[]).exists()


def test_members_of_several_projects(staffed):
    projects = Project.objects.filter(pk__in=[staffed["project"].pk, staffed["other"].pk])
    assert set(project_members(project=projects)) == {staffed["project"].owner, staffed["both"], staffed["other"].owner}


def test_role_holders_map_each_role_to_its_active_people(staffed):
    holders = project_role_holders(project=staffed["project"])
    assert holders == {
        Role.PRODUCT_OWNER: [staffed["project"].owner],
        Role.DATA_SCIENTIST: [staffed["both"]],
        Role.COMPLIANCE_OFFICER: [staffed["both"]],
    }
    assert project_role_holders(project=staffed["project"], roles=[Role.ETHICS_REVIEWER]) == {}


def test_members_query_is_one_query(staffed, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(project_members(project=staffed["project"]))
    with django_assert_num_queries(1):
        project_role_holders(project=staffed["project"])
