import pytest

from apps.deliverables import services


@pytest.fixture
def registry(db):
    services.registry_load()


@pytest.fixture
def deliverables(registry, project):
    """The project's deliverables (set up when the project was created, or now)."""
    services.project_deliverables_setup(actor=project.owner, project=project)
    return {pd.deliverable.key: pd for pd in project.deliverables.select_related("deliverable")}
