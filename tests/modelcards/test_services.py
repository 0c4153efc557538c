"""Revisions, imports, sign-off, the deliverable and the Deployment gate criterion."""

import copy

import pytest
from django.core.exceptions import ValidationError

from apps.deliverables import services as deliverable_services
from apps.deliverables.choices import DeliverableStatus
from apps.deliverables.models import ProjectDeliverable
from apps.gates.criteria import gate_evidence
from apps.gates.selectors import gate_for
from apps.modelcards import selectors, services
from apps.modelcards.choices import CardEventKind, RevisionState
from apps.modelcards.models import CardEvent, CardRevision, MLModel
from apps.projects.choices import Stage
from apps.signoffs import targets
from apps.signoffs.services import signoff_decide, signoff_withdraw

pytestmark = pytest.mark.django_db


def _edit(revision, **changes):
    content = copy.deepcopy(revision.content)
    content.update(changes)
    return content


def test_import_registers_the_model_from_the_card_and_saves_revision_1(imported, project):
    assert imported.number == 1 and imported.version == "2.1.0"
    assert imported.model.key == "customer_churn_predictor" and imported.model.is_current
    assert imported.source == CardRevision.Source.YAML
    assert selectors.revision_state(imported) == RevisionState.DRAFT
    assert list(CardEvent.objects.filter(model=imported.model).values_list("kind", flat=True)) == [
        CardEventKind.IMPORTED,
        CardEventKind.MODEL_CREATED,
    ]


def test_a_refused_import_saves_nothing(project, team, seed_yaml):
    with pytest.raises(ValidationError) as caught:
        services.card_import(
            actor=team["mlops"], project=project, data=seed_yaml.replace("value: 0.62", "value: high"), fmt="yaml"
        )
    assert "model_card.metrics.primary[1].value" in caught.value.message_dict
    assert not MLModel.objects.filter(project=project).exists()
    assert not CardRevision.objects.exists()


def test_each_edit_adds_the_next_revision_and_an_unchanged_card_is_refused(imported, team):
    second = services.card_revision_create(
        actor=team["scientist"], model=imported.model, content=_edit(imported, version="2.2.0"), note="Bump"
    )
    assert (second.number, second.based_on, second.note) == (2, imported, "Bump")
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.card_revision_create(actor=team["scientist"], model=imported.model, content=second.content)


def test_revisions_are_append_only(imported):
    imported.note = "rewritten"
    with pytest.raises(PermissionError):
        imported.save()
    with pytest.raises(PermissionError):
        CardRevision.objects.filter(pk=imported.pk).update(note="x")
    with pytest.raises(PermissionError):
        CardRevision.objects.all().delete()
    with pytest.raises(PermissionError):
        CardEvent.objects.all().delete()


def test_content_is_validated_with_field_paths(imported, team):
    bad = _edit(imported)
    bad["subgroup_performance"][0]["group"] = ""
    bad["metrics"]["secondary"][0]["value"] = [1]
    with pytest.raises(ValidationError) as caught:
        services.card_revision_create(actor=team["scientist"], model=imported.model, content=bad)
    assert set(caught.value.message_dict) == {"subgroup_performance[0].group", "metrics.secondary[0].value"}


def test_approval_stays_with_the_signed_revision_and_an_edit_starts_a_draft(imported, team, approve):
    signoff = approve(imported)
    assert signoff.state == "approved"
    assert signoff.fingerprint == targets.fingerprint(targets.adapter_for(imported).snapshot(imported))
    assert signoff.snapshot["content"] == imported.content
    draft = services.card_revision_create(
        actor=team["scientist"], model=imported.model, content=_edit(imported, owner="churn-squad")
    )
    imported.refresh_from_db()
    assert imported.content["owner"] == "ml-platform-team"
    assert selectors.revision_state(imported) == RevisionState.APPROVED
    assert selectors.revision_state(draft) == RevisionState.DRAFT
    kinds = list(CardEvent.objects.filter(revision=imported).values_list("kind", flat=True))
    assert CardEventKind.APPROVED in kinds and CardEventKind.SUBMITTED in kinds


def test_the_fingerprint_covers_the_card_content(imported, team):
    other = services.card_revision_create(
        actor=team["scientist"], model=imported.model, content=_edit(imported, contact="someone@else.example")
    )
    adapter = targets.adapter_for(imported)
    assert targets.fingerprint(adapter.snapshot(imported)) != targets.fingerprint(adapter.snapshot(other))


def test_only_the_latest_revision_is_submitted_and_only_once(imported, team, approve):
    second = services.card_revision_create(
        actor=team["scientist"], model=imported.model, content=_edit(imported, version="2.2.0")
    )
    with pytest.raises(ValidationError, match="not the latest"):
        services.card_revision_submit(actor=team["mlops"], revision=imported)
    signoff = services.card_revision_submit(actor=team["mlops"], revision=second)
    assert [slot.role for slot in signoff.approvers.all()] == list(services.DEFAULT_APPROVER_ROLES)
    with pytest.raises(ValidationError, match="already awaiting"):
        services.card_revision_submit(actor=team["mlops"], revision=second)
    signoff_withdraw(actor=team["mlops"], signoff=signoff)
    assert selectors.revision_state(second) == RevisionState.DRAFT
    approved = approve(second)
    with pytest.raises(ValidationError, match="already approved"):
        services.card_revision_submit(actor=team["mlops"], revision=second)
    assert approved.state == "approved"


def test_a_rejected_revision_can_be_fixed_in_a_new_revision(imported, team):
    signoff = services.card_revision_submit(actor=team["mlops"], revision=imported)
    signoff_decide(actor=team["ethics"], signoff=signoff, approve=False, note="Add caveats first.")
    assert selectors.revision_state(imported) == RevisionState.REJECTED
    fixed = services.card_revision_create(
        actor=team["scientist"], model=imported.model, content=_edit(imported, caveats_and_recommendations=["x"])
    )
    assert services.card_revision_submit(actor=team["mlops"], revision=fixed).is_open


def test_approval_marks_the_model_card_deliverable_approved_with_a_link(
    project, imported, approve, django_capture_on_commit_callbacks
):
    deliverable_services.registry_load()
    deliverable_services.project_deliverables_setup(actor=project.owner, project=project)
    deliverable = ProjectDeliverable.objects.get(project=project, deliverable__key="model-card")
    assert deliverable.status != DeliverableStatus.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        approve(imported)
    deliverable.refresh_from_db()
    assert deliverable.status == DeliverableStatus.APPROVED
    assert deliverable.link.endswith(imported.get_absolute_url())


def _model_card_criterion(project):
    evidence = gate_evidence(gate_for(project=project, stage=Stage.DEPLOYMENT))
    return [c for c in evidence.criteria if c.key == "model-card" and c.met is not None][-1]


def test_deployment_gate_fails_without_an_approved_card_and_passes_with_one(project, team, imported, approve):
    criterion = _model_card_criterion(project)
    assert criterion.met is False and "Set the version" in criterion.detail
    services.ml_model_update(actor=team["owner"], model=imported.model, promoted_version="2.1.0")
    criterion = _model_card_criterion(project)
    assert criterion.met is False and "No approved card revision" in criterion.detail
    approve(imported)
    criterion = _model_card_criterion(project)
    assert criterion.met is True
    assert "revision 1" in criterion.detail and team["ethics"].display_name in criterion.detail


def test_deployment_gate_needs_the_approved_version_to_be_the_promoted_one(project, team, imported, approve):
    approve(imported)
    services.ml_model_update(actor=team["owner"], model=imported.model, promoted_version="2.2.0")
    criterion = _model_card_criterion(project)
    assert criterion.met is False and "v2.1.0 (revision 1)" in criterion.detail


def test_deployment_gate_fails_with_no_model_at_all(project, team):
    assert _model_card_criterion(project).met is False


def test_one_current_model_per_project(project, team, imported):
    other = services.ml_model_create(actor=team["mlops"], project=project, name="Churn challenger", is_current=True)
    imported.model.refresh_from_db()
    assert other.is_current and not imported.model.is_current
    with pytest.raises(ValidationError):
        services.ml_model_create(actor=team["mlops"], project=project, name="Churn challenger")
    with pytest.raises(ValidationError, match="reserved"):
        services.ml_model_create(actor=team["mlops"], project=project, name="import")


def test_hugging_face_import_applies_metadata_to_the_latest_revision(project, team, imported):
    from apps.modelcards import formats

    readme = formats.huggingface_readme(imported.content, use_case="classification").replace("0.847", "0.9")
    revision = services.card_import(
        actor=team["scientist"], project=project, data=readme, fmt="huggingface", model=imported.model
    )
    assert revision.number == 2 and revision.source == CardRevision.Source.HUGGING_FACE
    assert revision.content["metrics"]["primary"][0]["value"] == 0.9
    assert revision.content["subgroup_performance"] == imported.content["subgroup_performance"]


def test_every_change_is_audited(project, imported):
    from apps.audit.models import AuditEntry

    types = set(AuditEntry.objects.filter(project_id=project.pk).values_list("content_type__model", flat=True))
    assert {"mlmodel", "cardrevision", "cardevent"} <= types


def test_hugging_face_import_without_a_model_updates_the_model_named_in_the_readme(project, team, imported):
    from apps.modelcards import formats

    readme = formats.huggingface_readme(imported.content, use_case="classification").replace("0.62", "0.64")
    revision = services.card_import(actor=team["scientist"], project=project, data=readme, fmt="huggingface")
    assert revision.model == imported.model and revision.number == 2
    assert revision.content["metrics"]["primary"][1] == {"metric": "Precision@10%", "value": 0.64}
    assert revision.content["ethical_considerations"] == imported.content["ethical_considerations"]


def test_the_cards_keepers_hear_of_submission_and_approval_through_the_outbox(imported, team, approve):
    from apps.notifications.models import Notification

    approve(imported)
    rows = Notification.objects.filter(category="model_cards")
    submitted = set(rows.filter(kind="model_card_submitted").values_list("recipient__username", flat=True))
    approved = set(rows.filter(kind="model_card_approved").values_list("recipient__username", flat=True))
    keepers = {team[name].username for name in ("owner", "scientist", "mlops")}
    assert submitted == keepers - {team["mlops"].username}  # not the submitter
    assert approved == keepers
    assert rows.filter(kind="model_card_approved").first().url == imported.get_absolute_url()


def test_a_retired_project_keeps_its_cards_read_only_and_cannot_be_deleted(project, team, imported):
    from apps.projects import services as project_services

    with pytest.raises(ValidationError, match="model card revisions"):
        project_services.project_delete(actor=team["owner"], project=project)
    project_services.project_retire(actor=team["owner"], project=project, reason="Model replaced")
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="retired"):
        services.card_revision_create(
            actor=team["scientist"], model=imported.model, content=_edit(imported, version="9.0.0")
        )
    with pytest.raises(ValidationError, match="retired"):
        services.card_revision_submit(actor=team["mlops"], revision=imported)
    assert CardRevision.objects.count() == 1
