"""The registry: apps declare queue sources and panels; the dashboard knows none of them."""

import ast
from pathlib import Path

import pytest

from apps.dashboard import registry
from apps.dashboard.registry import QueueItem, QueueSection, register_panel, register_queue
from apps.dashboard.selectors import dashboard_for
from apps.projects.choices import Role
from tests.factories import ProjectFactory, add_member

DASHBOARD = Path(registry.__file__).parent
# The apps below the dashboard that it may use: the project model, access rules and roles.
ALLOWED = {"apps.dashboard", "apps.projects", "apps.core"}


@pytest.fixture
def scratch_registry(monkeypatch):
    monkeypatch.setattr(registry, "_queue", {})
    monkeypatch.setattr(registry, "_panels", {})


def test_the_dashboard_imports_no_domain_app():
    imported = set()
    for module in DASHBOARD.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("apps."):
                imported.add(".".join(node.module.split(".")[:2]))
            elif isinstance(node, ast.Import):
                imported |= {
                    ".".join(alias.name.split(".")[:2]) for alias in node.names if alias.name.startswith("apps.")
                }
    assert imported <= ALLOWED, imported - ALLOWED


def test_every_app_registers_its_sources_and_panels():
    assert [source.key for source in registry.queue_sources()] == [
        "signoffs-waiting",
        "signoffs-requested",
        "checklist-items",
        "deliverables",
        "risks",
        "incident-actions",
        "review-actions",
        "reviews-this-week",
    ]
    assert {panel.key for panel in registry.panels()} == {
        "risk-posture",
        "open-incidents",
        "overdue-reviews",
        "audit-chain",
        "lifecycle-board",
        "deliverables-due",
        "projects-by-stage",
        "business-case",
        "sponsor-decisions",
    }


def test_registering_a_key_again_replaces_it_and_order_decides(scratch_registry):
    def empty(viewer):
        return QueueSection([], 0)

    register_queue("b", empty, label="B", order=20)
    register_queue("a", empty, label="A", order=30)
    register_queue("b", empty, label="B again", order=10)
    assert [(s.key, s.label) for s in registry.queue_sources()] == [("b", "B again"), ("a", "A")]


@pytest.mark.django_db
def test_a_panel_gets_the_projects_where_its_role_is_held(scratch_registry, member_of):
    seen = {}

    def provider(viewer, projects):
        seen["projects"] = sorted(projects.values_list("name", flat=True))
        return {"n": len(seen["projects"])}

    register_panel("probe", provider, title="Probe", roles=[Role.QA_ENGINEER], template="x.html")
    first, second, third = ProjectFactory(name="First"), ProjectFactory(name="Second"), ProjectFactory(name="Third")
    tester = member_of(first, Role.QA_ENGINEER)
    add_member(second, tester, Role.DOMAIN_SME)
    add_member(third, tester, Role.QA_ENGINEER)
    dashboard = dashboard_for(user=tester)
    assert [(panel.key, data) for panel, data in dashboard.panels] == [("probe", {"n": 2})]
    assert seen["projects"] == ["First", "Third"]
    assert dashboard_for(user=second.owner).panels == []  # no QA role anywhere: no panel, provider not called


@pytest.mark.django_db
def test_section_counts_every_row_but_shows_the_first_ten(scratch_registry, project, member_of):
    from django.db.models import Q

    from apps.projects.models import Membership

    for _ in range(12):
        member_of(project, Role.DOMAIN_SME)
    rows = Membership.objects.filter(project=project).order_by("pk")
    section = registry.section(
        rows,
        lambda m: QueueItem(title=str(m), url="/", project_name=project.name, project_key=project.key),
        overdue=Q(role=Role.PRODUCT_OWNER),
    )
    assert (section.total, section.overdue, len(section.items)) == (13, 1, registry.LIST_LIMIT)
