""" "A project's records changed": whatever was signed off on them is re-checked in the same transaction.

A sign-off covers a snapshot of project records (the Scoping gate signs the problem statement and metrics,
every gate its checklist items and deliverables). The write services of the apps that own those records
(projects, checklists, deliverables...) call `project_records_changed(project=...)` at the end of each
write, inside its transaction; the apps that sign such records (gates) register a listener from their
`ready()` and invalidate an approval whose content changed. The approval then never outlives the change,
not even until commit. Callers lock the project row before their first audited write (see
`services.project_lock`), so the listeners' row locks keep the portal's one lock order.
"""

from collections.abc import Callable

_listeners: dict[str, Callable[..., None]] = {}


def register_records_listener(key: str, listener: Callable[..., None]) -> None:
    """Call `listener(project=...)` after every write to a project's records (idempotent per key)."""
    _listeners[key] = listener


def unregister_records_listener(key: str) -> None:
    _listeners.pop(key, None)


def project_records_changed(*, project) -> None:
    """Tell every listener that `project`'s records changed, in the caller's transaction."""
    for listener in list(_listeners.values()):
        listener(project=project)
