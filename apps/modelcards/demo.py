"""Demo data: the churn predictor's card from the Production ML checklist, approved, plus a draft
revision with a changed metric so that the comparison shows something. Idempotent."""

import copy
from pathlib import Path

from django.utils import timezone

from apps.signoffs.services import signoff_decide

from . import services
from .models import MLModel

SEED_CARD = Path(__file__).resolve().parent / "data" / "customer_churn_predictor.yaml"
PROJECT = "customer-churn-predictor"
APPROVERS = ("sam.ds", "noor.ethics", "rita.compliance")


def demo_modelcards_seed(*, people: dict, projects: dict) -> str:
    project = projects.get(PROJECT)
    if project is None:
        return "Model cards: no churn project to seed"
    if MLModel.objects.filter(project=project).exists():
        return "Model cards: already seeded"
    submitter, author = people["priya.owner"], people["sam.ds"]
    first = services.card_import(
        actor=author, project=project, data=SEED_CARD.read_bytes(), fmt="yaml", note="The checklist's example card"
    )
    model = services.ml_model_update(actor=submitter, model=first.model, promoted_version=first.version)
    signoff = services.card_revision_submit(
        actor=submitter, revision=first, note="Card for the 2.1.0 promotion.", due_on=timezone.localdate()
    )
    for username in APPROVERS:
        signoff_decide(
            actor=people[username], signoff=signoff, approve=True, note="Reviewed against the evaluation report."
        )
    content = copy.deepcopy(first.content)
    content["version"] = "2.2.0"
    content["date"] = "2025-04-12"
    content["metrics"]["primary"][0]["value"] = 0.861
    content["caveats_and_recommendations"] = [
        "Scores for users with under 30 days of tenure are unreliable: treat them as unknown.",
        "Re-check calibration after any pricing change; behaviour shifts quickly.",
    ]
    second = services.card_revision_create(
        actor=author, model=model, content=content, note="Retrained on March data: AUC-ROC up, caveats written"
    )
    return (
        f"Model cards: {model.name} revision {first.number} (v{first.version}) approved, "
        f"revision {second.number} (v{second.version}) draft"
    )
