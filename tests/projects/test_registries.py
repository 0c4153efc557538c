"""New projects get their defaults, and seed_demo its data, from what the apps register."""

from django.core.management import call_command

from apps.projects import defaults, demo
from tests.factories import ProjectFactory


def test_project_create_runs_every_registered_default_in_order(db):
    calls = []
    defaults.register_project_default("zz-late", lambda *, actor, project: calls.append(("late", project.pk)), order=99)
    defaults.register_project_default(
        "aa-early", lambda *, actor, project: calls.append(("early", project.pk)), order=1
    )
    try:
        project = ProjectFactory()
    finally:
        del defaults._defaults["zz-late"], defaults._defaults["aa-early"]
    assert calls == [("early", project.pk), ("late", project.pk)]
    keys = [d.key for d in defaults.project_defaults()]
    assert keys.index("checklists") < keys.index("deliverables")


def test_seed_demo_runs_every_registered_seed_in_order(db, capsys):
    assert [seed.key for seed in demo.demo_seeds()][:3] == ["checklists", "deliverables", "risks"]
    seen = []

    def seed(*, people, projects):
        seen.append((sorted(people)[0], sorted(projects)))
        return "Test seed: done"

    demo.register_demo_seed("test", seed, order=1000)
    try:
        call_command("seed_demo")
    finally:
        del demo._seeds["test"]
    assert seen == [("amara.sme", sorted(p["slug"] for p in demo.DEMO_PROJECTS))]
    assert "Test seed: done" in capsys.readouterr().out
