import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.permissions import has_object_perm
from apps.projects import services
from apps.projects.choices import Role
from apps.projects.models import Membership
from tests.factories import ProjectFactory, UserFactory


def test_creator_becomes_product_owner_with_the_owner_permissions(db):
    project = ProjectFactory()
    assert list(Membership.objects.filter(project=project).values_list("user", "role")) == [
        (project.owner.pk, Role.PRODUCT_OWNER)
    ]
    for perm in ("view_project", "change_project", "manage_members", "delete_project"):
        assert has_object_perm(project.owner, f"projects.{perm}", project)


def test_only_project_creators_may_start_projects(db):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=UserFactory(), name="Not allowed")


def test_project_needs_a_guardrail_metric_and_saves_nothing_without_one(db):
    owner = UserFactory(creator=True)
    with pytest.raises(ValidationError) as error:
        ProjectFactory(owner=owner, guardrail_metrics=["  "])
    assert "guardrail" in str(error.value)
    assert not Membership.objects.exists()


def test_roles_accumulate_and_removing_one_keeps_the_others(project, member_of):
    person = member_of(project, Role.DATA_SCIENTIST)
    manager = services.membership_add(actor=project.owner, project=project, user=person, role=Role.PRODUCT_MANAGER)
    assert has_object_perm(person, "projects.change_project", project)
    services.membership_remove(actor=project.owner, membership=manager)
    assert not has_object_perm(person, "projects.change_project", project)
    assert has_object_perm(person, "projects.view_project", project)


def test_removing_the_last_role_removes_all_access(project, member_of):
    person = member_of(project, Role.QA_ENGINEER)
    services.membership_remove(actor=project.owner, membership=person.memberships.get())
    assert not has_object_perm(person, "projects.view_project", project)


def test_the_last_product_owner_cannot_be_removed(project):
    with pytest.raises(ValidationError, match="at least one Product Owner"):
        services.membership_remove(actor=project.owner, membership=project.memberships.get())


def test_a_role_cannot_be_held_twice(project, member_of):
    person = member_of(project, Role.DOMAIN_SME)
    with pytest.raises(ValidationError, match="already holds"):
        services.membership_add(actor=project.owner, project=project, user=person, role=Role.DOMAIN_SME)


def test_deactivated_people_cannot_join(project):
    person = UserFactory(is_active=False)
    with pytest.raises(ValidationError, match="deactivated"):
        services.membership_add(actor=project.owner, project=project, user=person, role=Role.DOMAIN_SME)


def test_unknown_fields_are_refused_rather_than_ignored(project):
    with pytest.raises(ValidationError, match="created_by"):
        services.project_update(actor=project.owner, project=project, created_by=None)


def test_slugs_are_unique_and_avoid_reserved_words(db):
    owner = UserFactory(creator=True)
    first, second = ProjectFactory(owner=owner, name="New"), ProjectFactory(owner=owner, name="New")
    assert first.slug == "new-2" and second.slug == "new-3"
