"""Writes of the model-card app: models, card revisions, imports, submission for sign-off.

Rules, enforced here for the browser, the API, the admin and the demo alike:

* a revision is never changed: every edit or import adds the next revision, numbered
  under a row lock on its model; saving content equal to the latest revision is refused;
* content is validated against the template (field paths in every error); unknown keys are kept;
* only the latest revision of a model is submitted, once at a time; the sign-off engine
  signs a snapshot of its content, so the approval stays with exactly what it signed;
* approval marks the project's "Model Card / Fact Sheet" deliverable approved, through
  the deliverables app's service, right after the approval commits.
"""

import datetime
import json
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from apps.core.sentinels import UNSET, Unset
from apps.deliverables.services import project_deliverable_signed_off
from apps.projects.choices import Role
from apps.projects.models import Project
from apps.projects.services import ensure_project_writable
from apps.signoffs import services as signoff_services
from apps.signoffs import targets
from apps.signoffs.approvers import ApproverSpec
from apps.signoffs.choices import Policy, RequestState

from . import formats, notifications, schema
from .choices import CardEventKind, RevisionState, is_generative
from .diffing import diff_values
from .models import CardEvent, CardRevision, MLModel
from .selectors import approved_before, revision_state

DELIVERABLE_KEY = "model-card"  # apps/deliverables/data/registry.yaml: "Model Card / Fact Sheet"
SIGNOFF_DAYS = 7
RESERVED_KEYS = {"new", "import"}  # paths under /model-cards/
# Who signs a card off unless the submitter names others (the issue: the model's Data Scientist
# owner, the Ethics / Fairness Reviewer and the Security / Compliance Officer).
DEFAULT_APPROVER_ROLES = (Role.DATA_SCIENTIST, Role.ETHICS_REVIEWER, Role.COMPLIANCE_OFFICER)
DEFAULT_APPROVERS_SOURCE = (
    "Model card default: Data Scientist, Ethics / Fairness Reviewer, Security / Compliance Officer"
)


def _event(model: MLModel, kind: str, *, actor=None, revision=None, note: str = "", signoff=None) -> CardEvent:
    event = CardEvent(
        project_id=model.project_id, model=model, revision=revision, kind=kind, actor=actor, note=note, signoff=signoff
    )
    event.full_clean()
    event.save()
    return event


def _locked(model: MLModel) -> MLModel:
    return MLModel.objects.select_for_update().select_related("project").get(pk=model.pk)


# --- Models ------------------------------------------------------------------------------


def _unset_current(project: Project, *, keep: MLModel | None = None) -> None:
    for other in MLModel.objects.select_for_update().filter(project=project, is_current=True):
        if keep is None or other.pk != keep.pk:
            other.is_current = False
            other.save(update_fields=["is_current", "updated_at"])


@transaction.atomic
def ml_model_create(
    *, actor, project: Project, name: str, key: str = "", is_current: bool = False, promoted_version: str = ""
) -> MLModel:
    """Register a model of the project. The first model is the project's current one."""
    ensure_project_writable(project)
    key = slugify(key or name)[:80]
    if not key:
        raise ValidationError({"key": "Give the model a name with letters or digits."})
    if key in RESERVED_KEYS:
        raise ValidationError({"key": f"“{key}” is reserved for a page of the portal; choose another key."})
    if MLModel.objects.filter(project=project, key=key).exists():
        raise ValidationError({"key": f"The project already has a model “{key}”."})
    first = not MLModel.objects.filter(project=project).exists()
    if is_current:
        _unset_current(project)
    model = MLModel(
        project=project,
        key=key,
        name=name.strip(),
        is_current=is_current or first,
        promoted_version=promoted_version.strip(),
        created_by=actor,
    )
    model.full_clean()
    model.save()
    _event(model, CardEventKind.MODEL_CREATED, actor=actor)
    return model


@transaction.atomic
def ml_model_update(
    *,
    actor,
    model: MLModel,
    name: str | Unset = UNSET,
    is_current: bool | Unset = UNSET,
    promoted_version: str | Unset = UNSET,
) -> MLModel:
    """Rename, make current (the project's other models stop being current), or set the version being promoted."""
    model = _locked(model)
    ensure_project_writable(model.project)
    changes = []
    if name is not UNSET and name.strip() != model.name:
        model.name = name.strip()
        changes.append(f"name “{model.name}”")
    if is_current is not UNSET and is_current != model.is_current:
        if is_current:
            _unset_current(model.project, keep=model)
        model.is_current = is_current
        changes.append("current model" if is_current else "no longer the current model")
    if promoted_version is not UNSET and promoted_version.strip() != model.promoted_version:
        model.promoted_version = promoted_version.strip()
        changes.append(f"version being promoted {model.promoted_version or '(none)'}")
    if not changes:
        return model
    model.full_clean()
    model.save()
    _event(model, CardEventKind.MODEL_CHANGED, actor=actor, note="; ".join(changes).capitalize() + ".")
    return model


# --- Revisions ----------------------------------------------------------------------------


def latest_revision(model: MLModel) -> CardRevision | None:
    return CardRevision.objects.filter(model=model).order_by("-number").first()


@transaction.atomic
def card_revision_create(
    *,
    actor,
    model: MLModel,
    content: dict,
    source: str = CardRevision.Source.EDIT,
    note: str = "",
) -> CardRevision:
    """Save the card's content as the model's next revision (a draft)."""
    model = _locked(model)
    ensure_project_writable(model.project)
    content = schema.validate_content(json.loads(json.dumps(content)))
    previous = latest_revision(model)
    if previous is not None and previous.content == content:
        raise ValidationError(f"Nothing changed: revision {previous.number} already holds this content.")
    model.last_number = max(model.last_number, previous.number if previous else 0) + 1
    model.save(update_fields=["last_number", "updated_at"])
    revision = CardRevision(
        project_id=model.project_id,
        model=model,
        number=model.last_number,
        version=content["version"],
        content=content,
        source=source,
        based_on=previous,
        note=note.strip()[:500],
        created_by=actor,
    )
    revision.full_clean()
    revision.save()
    edited = source in (CardRevision.Source.EDIT, CardRevision.Source.API)
    kind = CardEventKind.REVISION_CREATED if edited else CardEventKind.IMPORTED
    _event(model, kind, actor=actor, revision=revision, note=revision.note or revision.get_source_display())
    return revision


@transaction.atomic
def card_import(
    *, actor, project: Project, data: str | bytes, fmt: str, model: MLModel | None = None, note: str = ""
) -> CardRevision:
    """Import a card (the seed's YAML, or a Hugging Face README's metadata) as a new revision.

    Without `model`, the card's model name picks the project's model with that key, or
    registers a new one. Nothing is saved when the file is refused.
    """
    ensure_project_writable(project)
    if fmt == "yaml":
        content = formats.parse_card_yaml(data)
        source = CardRevision.Source.YAML
    elif fmt == "huggingface":
        if model is None:  # the README's model name picks the model whose latest revision it updates
            name = formats.huggingface_model_name(data)
            model = MLModel.objects.filter(project=project, key=slugify(name)[:80]).first() if name else None
        latest = latest_revision(model) if model else None
        content = formats.parse_huggingface_readme(data, base=latest.content if latest else {})
        source = CardRevision.Source.HUGGING_FACE
    else:
        raise ValidationError({"format": f"Unknown import format “{fmt}”: yaml or huggingface."})
    if model is None:
        key = slugify(content["model_name"])[:80]
        model = MLModel.objects.filter(project=project, key=key).first() or ml_model_create(
            actor=actor, project=project, name=content["model_name"], key=key
        )
    elif model.project_id != project.pk:
        raise ValidationError({"model": "That model belongs to another project."})
    return card_revision_create(actor=actor, model=model, content=content, source=source, note=note)


# --- Sign-off -----------------------------------------------------------------------------


@transaction.atomic
def card_revision_submit(
    *,
    actor,
    revision: CardRevision,
    roles: list[str] | None = None,
    due_on: datetime.date | None = None,
    note: str = "",
):
    """Ask for the revision's sign-off. Only a model's latest revision, not approved or awaiting sign-off.

    `roles` names the approver roles (every one must approve); without them the sign-off
    engine asks `approvers_for(revision)`: a registered provider, else this app's default.
    """
    model = _locked(revision.model)
    ensure_project_writable(model.project)
    latest = latest_revision(model)
    if latest is None or latest.pk != revision.pk:
        raise ValidationError(
            f"Revision {revision.number} is not the latest revision of this card "
            f"(revision {latest.number if latest else '?'} is): submit the latest one."
        )
    state = revision_state(revision)
    if state == RevisionState.APPROVED:
        raise ValidationError(f"Revision {revision.number} is already approved; edit the card to start a new draft.")
    if state == RevisionState.IN_REVIEW:
        raise ValidationError(f"Revision {revision.number} is already awaiting sign-off.")
    signoff = signoff_services.signoff_request(
        actor=actor,
        target=revision,
        due_on=due_on or timezone.localdate() + datetime.timedelta(days=SIGNOFF_DAYS),
        approvers=ApproverSpec(roles=tuple(roles), source="Chosen by the submitter") if roles is not None else None,
        note=note,
    )
    _event(model, CardEventKind.SUBMITTED, actor=actor, revision=revision, note=note, signoff=signoff)
    notifications.notify_card(
        revision, kind="submitted", headline="Model card submitted for sign-off", actor=actor, note=note
    )
    return signoff


def _absolute(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}"


class CardRevisionAdapter(targets.TargetAdapter):
    """How the sign-off engine sees a card revision: its content is what is signed."""

    model = CardRevision
    evidence_template = "modelcards/partials/signoff_evidence.html"

    def label(self, revision) -> str:
        model, project = revision.model.name, revision.project.name
        return f"Model card {model} v{revision.version} (revision {revision.number}) — {project}"

    def snapshot(self, revision) -> dict:
        return {
            "model": revision.model.key,
            "revision": revision.number,
            "version": revision.version,
            "content": revision.content,
        }

    def default_approvers(self, revision) -> ApproverSpec:
        return ApproverSpec(roles=DEFAULT_APPROVER_ROLES, policy=Policy.ALL, source=DEFAULT_APPROVERS_SOURCE)

    def evidence(self, signoff):
        revision = signoff.target
        previous = approved_before(revision)
        return {
            "revision": revision,
            "missing": schema.missing_requirements(revision.content, generative=is_generative(revision.project)),
            "metric_rows": schema.metric_rows(revision.content),
            "previous": previous,
            "changes": diff_values(previous.content, revision.content) if previous else None,
        }

    def on_closed(self, signoff, state, *, note=""):
        revision = CardRevision.objects.select_related("model", "project").get(pk=signoff.target_id)
        kind = {
            RequestState.APPROVED: CardEventKind.APPROVED,
            RequestState.REJECTED: CardEventKind.REJECTED,
            RequestState.WITHDRAWN: CardEventKind.WITHDRAWN,
        }.get(state)
        if kind is None:  # invalidated: cannot happen, a revision never changes
            return
        _event(revision.model, kind, revision=revision, note=note, signoff=signoff)
        if state in (RequestState.APPROVED, RequestState.REJECTED):
            headline = "Model card approved" if state == RequestState.APPROVED else "Model card rejected"
            notifications.notify_card(revision, kind=state, headline=headline, note=note)
        if state == RequestState.APPROVED:
            # After commit, in its own transaction: the engine holds the audit chain by now, and the
            # deliverable's row lock must come before it (locks in one order: rows, then the chain).
            transaction.on_commit(
                partial(
                    project_deliverable_signed_off,
                    actor=signoff.requested_by,
                    project=revision.project,
                    key=DELIVERABLE_KEY,
                    link=_absolute(revision.get_absolute_url()),
                )
            )
