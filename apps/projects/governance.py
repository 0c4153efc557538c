"""Governance records: what makes a project un-deletable, declared by the apps that keep them.

A project that holds sign-offs, gate events, risk acceptances (and later model-card
revisions, incident reviews, RACI approvals, review meetings...) is retired, never
deleted: those records are the evidence that governance happened. Each app
registers a counter from its `ready()`; `project_delete` refuses while any
counter is above zero.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class GovernanceRecords:
    key: str
    label: str  # plural, e.g. "sign-off requests"
    count: Callable[..., int]  # count(project) -> int


_registry: dict[str, GovernanceRecords] = {}


def register_governance_records(key: str, label: str, count: Callable[..., int]) -> None:
    """Declare a kind of record that keeps a project from being deleted: count(project) -> int."""
    _registry[key] = GovernanceRecords(key, label, count)


def governance_records(project) -> list[tuple[str, int]]:
    """(label, count) of every kind of governance record the project holds, kinds with none left out."""
    held = [(records.label, records.count(project)) for records in _registry.values()]
    return [(label, count) for label, count in held if count]
