"""What can be signed off: each kind of target registers an adapter.

The engine knows nothing about gates, model cards or risks. An adapter tells it
which project a target belongs to, what exactly is being signed (a snapshot
whose hash becomes the fingerprint) and what to do when a request closes.
"""

import hashlib
import json

from django.db.models import Model

_adapters: dict[type[Model], "TargetAdapter"] = {}


class TargetAdapter:
    """Base adapter; subclasses set `model` and override what they need."""

    model: type[Model]
    evidence_template = "signoffs/partials/snapshot.html"

    def project(self, target):
        return target.project

    def label(self, target) -> str:
        return str(target)

    def snapshot(self, target) -> dict:
        """The content being signed: criteria state, artifact versions... (JSON-serialisable)."""
        raise NotImplementedError

    def url(self, target) -> str:
        return target.get_absolute_url()

    def default_approvers(self, target):
        """The approvers when no registered provider names them (an `approvers.ApproverSpec`)."""
        from .approvers import ApproverSpec  # approvers builds on this module

        return ApproverSpec()

    def evidence(self, signoff):
        """Context for `evidence_template`: what approvers see next to their decision."""
        return {"rows": snapshot_rows(signoff.snapshot)}

    def on_closed(self, signoff, state: str, *, note: str = "") -> None:
        """Called in the same transaction when a request is approved, rejected, withdrawn or invalidated."""


def register(adapter: TargetAdapter) -> TargetAdapter:
    _adapters[adapter.model] = adapter
    return adapter


def unregister(model: type[Model]) -> None:
    _adapters.pop(model, None)


def adapter_for(target) -> TargetAdapter:
    try:
        return _adapters[type(target)._meta.concrete_model]
    except KeyError as error:
        raise LookupError(f"{type(target).__name__} cannot be signed off: no adapter registered.") from error


def fingerprint(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON."""
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def snapshot_rows(snapshot: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(label, value) rows of a nested snapshot, for the generic evidence panel."""
    rows = []
    for key, value in snapshot.items():
        label = f"{prefix}{key}".replace("_", " ")
        if isinstance(value, dict):
            rows += snapshot_rows(value, f"{label} › ")
        elif isinstance(value, list):
            rows.append((label, ", ".join(str(item) for item in value) or "—"))
        else:
            rows.append((label, value))
    return rows
