"""The model card's exit criterion: it fills the Deployment gate's "model-card" slot (registered from apps.py).

Met only when the project's current model has an approved card revision whose
version is the version being promoted; the detail names the revision and who
approved it.
"""

from django.urls import reverse

from apps.gates.criteria import Criterion

from .selectors import current_model_status

LABEL = "Model card of the promoted version approved"


def _criterion(met: bool, detail: str, url: str) -> list[Criterion]:
    return [Criterion("model-card", LABEL, met, detail, url=url)]


def model_card_approved(gate) -> list[Criterion]:
    project = gate.project
    status = current_model_status(project)
    model = status["model"]
    cards_url = reverse("modelcards:model-list", kwargs={"project_slug": project.slug})
    if model is None:
        if status["has_models"]:
            return _criterion(False, "No model is marked as the project's current model.", cards_url)
        return _criterion(False, "No model card: register the model and write or import its card.", cards_url)
    if not model.promoted_version:
        return _criterion(False, f"Set the version of {model.name} being promoted.", model.get_absolute_url())
    match = status["match"]
    if match is None:
        approved = ", ".join(f"v{row.revision.version} (revision {row.revision.number})" for row in status["approved"])
        return _criterion(
            False,
            f"No approved card revision of {model.name} for version {model.promoted_version}."
            + (f" Approved: {approved}." if approved else " No revision is approved yet."),
            model.get_absolute_url(),
        )
    record = status["record"]
    when = record.signoff.closed_at.date().isoformat() if record.signoff.closed_at else ""
    return _criterion(
        True,
        f"{model.name} v{match.revision.version}: revision {match.revision.number}, approved {when} by "
        f"{', '.join(record.approvers)}.",
        match.revision.get_absolute_url(),
    )
