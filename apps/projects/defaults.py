"""New-project defaults: apps built on projects register what a new project starts with.

`project_create` runs every registered default inside its transaction, in
`order` order (checklists 10, deliverables 20, then RACI, cadence...), so
`apps.projects` never imports the apps that build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectDefault:
    key: str
    apply: Callable[..., None]
    order: int


_defaults: dict[str, ProjectDefault] = {}


def register_project_default(key: str, apply: Callable[..., None], *, order: int = 100) -> None:
    """Register `apply(*, actor, project)`; registering a key again replaces it (ready() may run twice)."""
    _defaults[key] = ProjectDefault(key, apply, order)


def project_defaults() -> list[ProjectDefault]:
    return sorted(_defaults.values(), key=lambda default: (default.order, default.key))


def project_defaults_apply(*, actor, project) -> None:
    for default in project_defaults():
        default.apply(actor=actor, project=project)
