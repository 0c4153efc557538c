"""What can be signed off: each kind of target registers an adapter.

The engine knows nothing about gates, model cards or risks. An adapter tells it
which project a target belongs to, what exactly is being signed (a snapshot
whose hash becomes the fingerprint) and what to do when a request closes.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db.models import Model

_adapters: dict[type[Model], "TargetAdapter"] = {}


@dataclass(frozen=True)
class Change:
    """One difference between the signed snapshot and the current content, as people read it."""

    label: str
    before: str
    after: str


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

    def describe_changes(self, target, before: dict, after: dict) -> list[Change]:
        """What differs between two snapshots; adapters override it with the names people use."""
        return snapshot_changes(before, after)

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


def shown(value) -> str:
    """A snapshot value in a sentence: quoted text, lists joined, nothing as "—"."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"“{value}”" if isinstance(value, str) else str(value)


def snapshot_changes(before: dict, after: dict, prefix: str = "") -> list[Change]:
    """The generic description of a change: each differing leaf by its path, with both values."""
    changes = []
    for key in sorted(set(before) | set(after), key=str):
        label = f"{prefix}{key}".replace("_", " ")
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            changes += snapshot_changes(old, new, f"{label} › ")
        elif old != new:
            changes.append(Change(label[:1].upper() + label[1:], shown(old), shown(new)))
    return changes
