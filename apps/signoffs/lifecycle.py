"""Listeners of a target's sign-off lifecycle: apps that must act when a request opens or closes.

The target's adapter (`on_closed`) belongs to the app that owns the target; other apps
that care (RACI tells a gate's Consulted and Informed roles) register here from their
`ready()`. The engine calls the listeners in the same transaction, after its own work.
"""

from collections.abc import Callable

from django.db.models import Model

OnRequested = Callable[[Model], None]  # listener(signoff)
OnClosed = Callable[[Model, str], None]  # listener(signoff, state)

_requested: dict[type[Model], list[OnRequested]] = {}
_closed: dict[type[Model], list[OnClosed]] = {}


def register_signoff_listener(
    model: type[Model], *, requested: OnRequested | None = None, closed: OnClosed | None = None
) -> None:
    """Call `requested(signoff)` when a request for a `model` target opens, `closed(signoff, state)` when it closes."""
    for registry, listener in ((_requested, requested), (_closed, closed)):
        if listener is not None:
            listeners = registry.setdefault(model._meta.concrete_model, [])
            if listener not in listeners:
                listeners.append(listener)


def signoff_opened(signoff) -> None:
    for listener in _requested.get(type(signoff.target)._meta.concrete_model, []):
        listener(signoff)


def signoff_closed(signoff, state: str) -> None:
    for listener in _closed.get(type(signoff.target)._meta.concrete_model, []):
        listener(signoff, state)
