"""Who approves a target: one hook that apps can feed.

The sign-off engine asks `approvers_for(target)`. Apps that know better than
the target's adapter (RACI knows who is Accountable for a stage) register a
provider for the target's model from their `ready()`; the first provider that
answers wins, otherwise the adapter's `default_approvers` does.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from . import targets
from .choices import Policy


@dataclass(frozen=True)
class ApproverSpec:
    """The approver slots of a request: project roles and/or named people, and how many must approve."""

    roles: tuple[str, ...] = ()
    people: tuple = ()  # users
    policy: str = Policy.ALL
    required_count: int | None = None
    source: str = ""  # shown to people, e.g. "RACI matrix (approved 2026-11-02)"


Provider = Callable[[Model], ApproverSpec | None]
_providers: dict[type[Model], list[Provider]] = {}


def register_approver_provider(model: type[Model], provider: Provider) -> None:
    """Let an app name the approvers of `model` targets: provider(target) -> ApproverSpec, or None to pass."""
    providers = _providers.setdefault(model._meta.concrete_model, [])
    if provider not in providers:
        providers.append(provider)


def unregister_approver_provider(model: type[Model], provider: Provider) -> None:
    providers = _providers.get(model._meta.concrete_model, [])
    if provider in providers:
        providers.remove(provider)


def approvers_for(target) -> ApproverSpec:
    """The first registered provider answering non-None wins, else the target adapter's default."""
    for provider in _providers.get(type(target)._meta.concrete_model, []):
        spec = provider(target)
        if spec is not None:
            return spec
    return targets.adapter_for(target).default_approvers(target)
