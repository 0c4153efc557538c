"""A new project's defaults are written in bulk, each row still audited (docs/performance.md)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from apps.audit.models import AuditEntry
from apps.cadence.models import ReviewSeries
from apps.checklists.models import ProjectChecklist
from apps.deliverables.models import ProjectDeliverable
from apps.raci.models import RaciActivity, RaciAssignment
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

DEFAULT_ROWS = (ProjectChecklist, ProjectDeliverable, RaciActivity, RaciAssignment, ReviewSeries)


@pytest.fixture
def library():
    """The checklist templates and the deliverables registry a real portal starts with."""
    call_command("load_checklist_templates", verbosity=0)
    call_command("load_deliverables_registry", verbosity=0)


def create(name, owner=None):
    return ProjectFactory(name=name, owner=owner or UserFactory(creator=True))


def test_a_new_project_gets_its_defaults_in_a_bounded_number_of_queries(library, django_assert_max_num_queries):
    create("Warm-up")  # the first one reads content types and permissions into their caches
    owner = UserFactory(creator=True)
    with django_assert_max_num_queries(120):  # 414 when the defaults were written row by row
        project = create("Churn predictor", owner)
    assert ProjectChecklist.objects.filter(project=project).count() >= 4
    assert RaciAssignment.objects.filter(project=project).count() > 100


def test_every_default_row_has_its_creation_entry_with_the_project(library):
    project = create("Churn predictor")
    for model in DEFAULT_ROWS:
        ids = set(model.objects.filter(project=project).values_list("pk", flat=True))
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), action=AuditEntry.Action.CREATE, object_id__in=ids
        )
        assert ids, model
        assert set(entries.values_list("object_id", flat=True)) == ids, model
        assert set(entries.values_list("project_id", flat=True)) == {project.pk}, model
