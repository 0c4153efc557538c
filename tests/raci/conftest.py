import pytest

from apps.deliverables.services import registry_load
from apps.projects.choices import Role
from apps.raci import services
from tests.factories import ProjectFactory, UserFactory, add_member


@pytest.fixture
def registry(db):
    registry_load()


@pytest.fixture
def staffed_project(registry):
    """A project with a member in every role; `project.people[role]` is that member."""
    project = ProjectFactory()
    project.people = {Role.PRODUCT_OWNER: project.owner}
    for role in Role.values:
        if role != Role.PRODUCT_OWNER:
            project.people[role] = UserFactory()
            add_member(project, project.people[role], role)
    return project


@pytest.fixture
def matrix(staffed_project):
    return services.raci_matrix_setup(actor=staffed_project.owner, project=staffed_project)


def activity(matrix, key):
    """The matrix's activity with key "gate:evaluation", "deliverable:eda-report", ..."""
    for candidate in matrix.activities.select_related("deliverable"):
        if candidate.key == key:
            return candidate
    raise LookupError(key)
