"""The deliverables' step of `manage.py seed_demo` (registered from DeliverablesConfig.ready())."""

from auditlog.context import set_actor

from .services import demo_deliverables_seed, registry_load


def deliverables_demo_seed(*, people: dict, projects: dict) -> str:
    """Load the registry, then set up each demo project's deliverables and date a few of them."""
    report = registry_load()
    for project in projects.values():
        with set_actor(project.created_by):
            demo_deliverables_seed(project=project)
    return f"Deliverables registry: {report.summary()}"
