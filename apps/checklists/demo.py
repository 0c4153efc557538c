"""The checklists' step of `manage.py seed_demo` (registered from ChecklistsConfig.ready())."""

from auditlog.context import set_actor

from .services import demo_checklists_seed, templates_load_library


def checklists_demo_seed(*, people: dict, projects: dict) -> str:
    """Load the template library, then apply the defaults to each demo project and answer a few items."""
    report = templates_load_library()
    for project in projects.values():
        with set_actor(project.created_by):
            demo_checklists_seed(project=project, people=people)
    return f"Checklist templates: {report.summary()}"
