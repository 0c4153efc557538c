"""One append-only guard for every decision, event and review record (apps.core.models.AppendOnlyModel)."""

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from apps.core.models import AppendOnlyError, AppendOnlyModel, AppendOnlyQuerySet
from apps.gates.models import Gate, GateEvent
from apps.projects.choices import Stage
from tests.factories import ProjectFactory

APPEND_ONLY_MODELS = sorted(
    (model for model in apps.get_models() if issubclass(model, AppendOnlyModel)), key=lambda m: m._meta.label
)


def _existing_row(model):
    """An instance as if loaded from the database (no row needed: every guard refuses before any SQL)."""
    fields = model._meta.concrete_fields
    return model.from_db("default", [f.attname for f in fields], [1 if f.primary_key else None for f in fields])


def test_every_decision_and_event_record_is_append_only():
    labels = {model._meta.label for model in APPEND_ONLY_MODELS}
    assert {
        "audit.AuditCheckpoint",
        "audit.AuditEntry",
        "audit.ChainVerification",
        "audit.SecurityEvent",
        "checklists.ItemReview",
        "gates.GateEvent",
        "risks.RiskAcceptance",
        "risks.RiskAcceptanceProposal",
        "risks.RiskReview",
        "signoffs.SignoffEvent",
    } <= labels


@pytest.mark.parametrize("model", APPEND_ONLY_MODELS, ids=lambda model: model._meta.label)
def test_no_write_path_changes_or_removes_an_append_only_record(model, db):
    row = _existing_row(model)
    field = next(f.name for f in model._meta.concrete_fields if not f.primary_key)
    assert isinstance(model._default_manager.all(), AppendOnlyQuerySet)
    for attempt in (
        row.save,
        lambda: row.save(update_fields=[field]),
        row.delete,
        lambda: model._default_manager.filter(pk=1).update(**{field: None}),
        lambda: model._default_manager.all().delete(),
        lambda: model._default_manager.bulk_update([row], [field]),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()


@pytest.fixture
def gate_event(db):
    project = ProjectFactory()
    gate = Gate.objects.create(project=project, stage=Stage.SCOPING)
    return GateEvent.objects.create(project=project, gate=gate, kind="submitted", actor=project.owner, note="Ready")


def test_a_gate_event_cannot_be_deleted_one_by_one_or_through_its_gate(gate_event):
    with pytest.raises(AppendOnlyError):
        gate_event.delete()
    with pytest.raises(AppendOnlyError):
        gate_event.gate.events.all().delete()
    with pytest.raises(AppendOnlyError):
        gate_event.gate.events.update(note="rewritten")
    gate_event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        gate_event.save()
    assert GateEvent.objects.get(pk=gate_event.pk).note == "Ready"


def test_a_new_instance_with_an_existing_key_is_inserted_never_turned_into_an_update(gate_event):
    copy = GateEvent(pk=gate_event.pk, project=gate_event.project, gate=gate_event.gate, kind="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert GateEvent.objects.get(pk=gate_event.pk).kind == "submitted"


def test_append_only_records_are_still_added_in_bulk(gate_event):
    gate = gate_event.gate
    GateEvent.objects.bulk_create(
        [GateEvent(project=gate.project, gate=gate, kind="reopened", note=f"Round {n}") for n in range(3)]
    )
    assert gate.events.count() == 4
