"""Defaults created in bulk are audited like one-by-one saves: one entry each, chained, with the actor."""

import pytest
from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType

from apps.audit.models import AuditEntry
from apps.audit.services import audit_bulk_create, audit_chain_verify
from apps.deliverables import services as deliverable_services
from apps.deliverables.models import Deliverable, ProjectDeliverable
from apps.raci.models import RaciActivity, RaciAssignment
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def registry(db):
    deliverable_services.registry_load()


def _entries_for(model, objects):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(o.pk) for o in objects]
    )


def test_bulk_created_records_get_one_chained_creation_entry_each(db):
    project = ProjectFactory()
    actor = UserFactory()
    deliverables = list(Deliverable.objects.all()[:3])
    ProjectDeliverable.objects.filter(project=project).delete()
    with set_actor(actor):
        created = audit_bulk_create(
            ProjectDeliverable,
            [ProjectDeliverable(project=project, deliverable=d, updated_by=actor) for d in deliverables],
        )
    entries = list(_entries_for(ProjectDeliverable, created).order_by("id"))
    assert len(entries) == len(created) == 3
    for entry, record in zip(entries, created, strict=True):
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.object_pk == str(record.pk)
        assert entry.actor == actor
        assert entry.project_id == project.pk
        assert entry.changes["deliverable"][1] == str(record.deliverable_id)
    assert audit_chain_verify().ok


def test_a_bulk_entry_is_the_same_as_a_one_by_one_entry(db):
    project = ProjectFactory()
    deliverable = Deliverable.objects.first()
    ProjectDeliverable.objects.filter(project=project).delete()
    saved = ProjectDeliverable.objects.create(project=project, deliverable=deliverable)
    one_by_one = _entries_for(ProjectDeliverable, [saved]).get()
    saved.delete()
    (bulk,) = audit_bulk_create(ProjectDeliverable, [ProjectDeliverable(project=project, deliverable=deliverable)])
    in_bulk = _entries_for(ProjectDeliverable, [bulk]).get()
    for field in ("action", "content_type_id", "object_repr", "additional_data", "project_id", "actor_id"):
        assert getattr(in_bulk, field) == getattr(one_by_one, field), field
    assert set(in_bulk.changes) == set(one_by_one.changes)


def test_a_new_project_audits_every_default_record_in_a_verified_chain(db):
    project = ProjectFactory()
    for model in (RaciActivity, RaciAssignment, ProjectDeliverable):
        records = list(model.objects.filter(project=project))
        assert records, model
        assert _entries_for(model, records).count() == len(records), model
    assert audit_chain_verify().ok
