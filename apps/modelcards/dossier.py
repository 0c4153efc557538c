"""Model cards in the governance dossier: the current model's approved card and every model's revision history."""

from apps.dossier.registry import person, stamp

from .choices import RevisionState
from .models import CardRevision, MLModel
from .selectors import revision_rows

MAX_VALUE_CHARS = 2000  # a card field printed in full up to here; longer text is in the portal


def _flatten(value, path: str = "") -> list[dict]:
    """The card's nested mapping as (field path, text) rows, in the card's own order."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows.extend(_flatten(inner, f"{path} › {key}" if path else str(key)))
        return rows
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        rows = []
        for index, item in enumerate(value, start=1):
            rows.extend(_flatten(item, f"{path} [{index}]"))
        return rows
    text = "; ".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return [{"field": path, "value": text[:MAX_VALUE_CHARS]}] if text not in ("", "None") else []


def modelcards_section(project) -> dict:
    models = list(MLModel.objects.filter(project=project).select_related("project").order_by("name", "pk"))
    current = next((model for model in models if model.is_current), None)
    history, approved_card = [], None
    for model in models:
        rows = revision_rows(model=model)
        history.append(
            {
                "model": model.name,
                "key": model.key,
                "current": model.is_current,
                "promoted_version": model.promoted_version,
                "revisions": [
                    {
                        "number": row.revision.number,
                        "version": row.revision.version,
                        "state": str(row.state_label),
                        "source": row.revision.get_source_display(),
                        "by": person(row.revision.created_by),
                        "at": stamp(row.revision.created_at),
                        "note": row.revision.note,
                        "fingerprint": row.signoff.fingerprint if row.signoff else "",
                    }
                    for row in rows
                ],
            }
        )
        if model is current:
            approved = next((row for row in rows if row.state == RevisionState.APPROVED), None)
            if approved is not None:
                revision = CardRevision.objects.get(pk=approved.revision.pk)
                approved_card = {
                    "model": model.name,
                    "number": revision.number,
                    "version": revision.version,
                    "approved_fingerprint": approved.signoff.fingerprint,
                    "fields": _flatten(revision.content),
                }
    return {"current_model": current.name if current else "", "approved_card": approved_card, "models": history}


def modelcards_summary(data) -> list:
    card = data["approved_card"]
    if card:
        return [("Approved model card", f"{card['model']} v{card['version']} (revision {card['number']})")]
    return [("Approved model card", "none for the current model")]
