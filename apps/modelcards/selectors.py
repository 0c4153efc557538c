"""Reads of the model-card app, restricted to what the user may see, in a constant number of queries."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from apps.projects.access import visible_projects
from apps.signoffs.choices import EventKind, RequestState
from apps.signoffs.models import SignoffEvent, SignoffRequest

from . import schema
from .choices import RevisionState, is_generative
from .models import CardEvent, CardRevision, MLModel


def state_from_signoff(signoff: SignoffRequest | None) -> str:
    """A revision's state from its latest sign-off request (withdrawn or none: a draft)."""
    if signoff is None:
        return RevisionState.DRAFT
    return {
        RequestState.OPEN: RevisionState.IN_REVIEW,
        RequestState.APPROVED: RevisionState.APPROVED,
        RequestState.REJECTED: RevisionState.REJECTED,
    }.get(signoff.state, RevisionState.DRAFT)


def _signoffs_for(revision_ids) -> dict[int, SignoffRequest]:
    """The latest sign-off request of each revision, in one query."""
    latest: dict[int, SignoffRequest] = {}
    requests = SignoffRequest.objects.filter(
        target_type=ContentType.objects.get_for_model(CardRevision), target_id__in=list(revision_ids)
    ).order_by("id")
    for request in requests:
        latest[request.target_id] = request
    return latest


def revision_state(revision: CardRevision) -> str:
    return state_from_signoff(_signoffs_for([revision.pk]).get(revision.pk))


@dataclass
class RevisionRow:
    revision: CardRevision
    signoff: SignoffRequest | None

    @property
    def state(self) -> str:
        return state_from_signoff(self.signoff)

    @property
    def state_label(self) -> str:
        return RevisionState(self.state).label


def revision_rows(*, model: MLModel) -> list[RevisionRow]:
    """Every revision of a model, newest first, with its state (two queries)."""
    revisions = list(
        CardRevision.objects.filter(model=model).select_related("created_by").defer("content").order_by("-number")
    )
    for revision in revisions:  # their links need the model and project we already hold
        revision.model, revision.project = model, model.project
    signoffs = _signoffs_for(r.pk for r in revisions)
    return [RevisionRow(r, signoffs.get(r.pk)) for r in revisions]


@dataclass
class ModelRow:
    """A model on the project's list: its latest revision and latest approved revision."""

    model: MLModel
    revisions: list[RevisionRow] = field(default_factory=list)

    @property
    def latest(self) -> RevisionRow | None:
        return self.revisions[0] if self.revisions else None

    @property
    def approved(self) -> RevisionRow | None:
        return next((row for row in self.revisions if row.state == RevisionState.APPROVED), None)

    @property
    def promoted_approved(self) -> bool:
        return any(
            row.state == RevisionState.APPROVED and row.revision.version == self.model.promoted_version
            for row in self.revisions
        )


def ml_model_queryset(*, user, project=None) -> QuerySet[MLModel]:
    models = MLModel.objects.filter(project__in=visible_projects(user)).select_related("project")
    return models.filter(project=project) if project is not None else models


def ml_model_rows(*, user, project=None) -> list[ModelRow]:
    """The models (of one project, or of every project the user sees) with their revisions' states.

    Three queries, whatever the counts.
    """
    models = list(ml_model_queryset(user=user, project=project).order_by("project__name", "-is_current", "name"))
    revisions = list(
        CardRevision.objects.filter(model__in=models)
        .select_related("created_by")
        .only("id", "model_id", "number", "version", "created_at", "source", "created_by", "project_id")
        .order_by("-number")
    )
    signoffs = _signoffs_for(r.pk for r in revisions)
    rows = {model.pk: ModelRow(model) for model in models}
    for revision in revisions:
        revision.model = rows[revision.model_id].model
        revision.project = revision.model.project
        rows[revision.model_id].revisions.append(RevisionRow(revision, signoffs.get(revision.pk)))
    return list(rows.values())


def ml_model_get(*, user, project, key: str) -> MLModel | None:
    return ml_model_queryset(user=user, project=project).filter(key=key).first()


def revision_get(*, model: MLModel, number: int) -> CardRevision | None:
    return CardRevision.objects.filter(model=model, number=number).select_related("created_by", "model").first()


def revision_list(*, user, project, model: MLModel | None = None) -> QuerySet[CardRevision]:
    revisions = CardRevision.objects.filter(project__in=visible_projects(user), project=project)
    if model is not None:
        revisions = revisions.filter(model=model)
    return revisions.select_related("model", "created_by", "project").order_by("model__name", "-number")


def approved_before(revision: CardRevision) -> CardRevision | None:
    """The latest approved revision of the same model before this one (what approvers compare against)."""
    earlier = CardRevision.objects.filter(model_id=revision.model_id, number__lt=revision.number).order_by("-number")
    signoffs = _signoffs_for(earlier.values_list("id", flat=True))
    approved = [pk for pk, s in signoffs.items() if s.state == RequestState.APPROVED]
    return earlier.filter(pk__in=approved).first() if approved else None


def card_history(*, model: MLModel) -> QuerySet[CardEvent]:
    return CardEvent.objects.filter(model=model).select_related(
        "actor", "revision__model__project", "revision__project", "signoff__project"
    )


@dataclass
class ApprovalRecord:
    """Who signed a revision, when, under which fingerprint."""

    signoff: SignoffRequest
    decisions: list[SignoffEvent]

    @property
    def approvers(self) -> list[str]:
        return [event.actor.display_name for event in self.decisions if event.kind == EventKind.APPROVED]


def approval_record(signoff: SignoffRequest | None) -> ApprovalRecord | None:
    if signoff is None:
        return None
    decisions = list(
        signoff.events.filter(kind__in=[EventKind.APPROVED, EventKind.REJECTED]).select_related("actor", "approver")
    )
    return ApprovalRecord(signoff, decisions)


def card_completeness(revision: CardRevision) -> list[schema.Requirement]:
    return schema.completeness(revision.content, generative=is_generative(revision.project))


def current_model_status(project) -> dict:
    """What the Deployment gate needs: the current model, its promoted version and the approved revision for it."""
    models = list(MLModel.objects.filter(project=project).select_related("project"))  # one query when there are none
    model = next((m for m in models if m.is_current), None)
    if model is None:
        return {"model": None, "has_models": bool(models)}
    rows = revision_rows(model=model)
    approved = [row for row in rows if row.state == RevisionState.APPROVED]
    match = next((row for row in approved if row.revision.version == model.promoted_version), None)
    return {
        "model": model,
        "approved": approved,
        "match": match,
        "record": approval_record(match.signoff) if match else None,
    }
