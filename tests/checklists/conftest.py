"""Small templates built in the test, loaded through the same loader as the library."""

import itertools

import pytest
import yaml

from apps.checklists import services
from apps.checklists.models import ChecklistTemplate, ProjectChecklist
from apps.projects.choices import Role

_counter = itertools.count()


def template_document(
    key="mini", checks=3, *, gate=False, applies_to="all", name=None, evidence_required=False
) -> dict:
    """A valid template: `checks` tick-box items (the first Required), a single- and a multi-select question.

    Its Required items are done without evidence unless `evidence_required` (the format's default) is asked for:
    most tests are about other rules.
    """
    items = [
        {
            "key": f"ck-{n:02d}-check",
            "title": f"Check number {n}",
            "stage": "scoping" if n % 2 else "evaluation",
            "requirement": "required" if n == 1 or n % 3 == 0 else "suggested",
            "kind": "check",
            "red_flags": ["Nobody looked at it"] if n == 1 else [],
        }
        for n in range(1, checks + 1)
    ]
    for item in items:
        if not item["red_flags"]:
            del item["red_flags"]
    select = [
        {
            "key": "q-01-use-case",
            "title": "Define AI Use Case",
            "stage": "scoping",
            "requirement": "required",
            "kind": "single_select",
            "options": [{"key": "classification", "label": "Classification"}, {"key": "rag", "label": "RAG"}],
        },
        {
            "key": "q-02-tools",
            "title": "Tools",
            "stage": "deployment",
            "requirement": "suggested",
            "kind": "multi_select",
            "options": [{"key": "mlflow", "label": "MLflow"}, {"key": "dvc", "label": "DVC"}],
        },
    ]
    if not evidence_required:
        for item in [*items, *select]:
            if item["requirement"] == "required":
                item["evidence_required"] = False
    return {
        "key": key,
        "name": name or f"Mini checklist {key}",
        "source": "tests",
        "description": "A template written for the tests.",
        "gate": gate,
        "applies_to": applies_to,
        "sections": [
            {"key": "checks", "title": "Checks", "items": items},
            {"key": "questions", "title": "Questions", "items": select},
        ],
    }


@pytest.fixture
def load_templates(tmp_path):
    """load_templates(doc, ...) writes the documents as <key>.yaml and runs the library loader on them."""

    def load(*documents):
        folder = tmp_path / f"lib-{next(_counter)}"
        folder.mkdir()
        for document in documents:
            (folder / f"{document['key']}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
        return services.templates_load_library(directory=folder)

    return load


@pytest.fixture
def mini_template(db, load_templates) -> ChecklistTemplate:
    load_templates(template_document())
    return ChecklistTemplate.objects.select_related("current_version").get(key="mini")


@pytest.fixture
def checklist(project, mini_template):
    """The mini template applied to the project (new projects may already have it as a default)."""
    existing = ProjectChecklist.objects.filter(project=project, template=mini_template).first()
    return existing or services.checklist_apply(actor=project.owner, project=project, template=mini_template)


@pytest.fixture
def team(project, member_of):
    """Two data scientists and the project's Product Owner."""
    return {
        "owner": project.owner,
        "ds": member_of(project, Role.DATA_SCIENTIST),
        "ds2": member_of(project, Role.DATA_SCIENTIST),
    }


def item(checklist, key):
    return checklist.version.items.get(key=key)
