"""The template library: exact counts from the real files, idempotent loads, versions, clear failures."""

import shutil

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry
from apps.checklists import selectors, services
from apps.checklists.models import ChecklistTemplate, ItemResponse, TemplateItem, TemplateSection, TemplateVersion
from apps.checklists.services import LIBRARY_DIR
from tests.checklists.conftest import template_document

pytestmark = pytest.mark.django_db

EXPECTED = {
    # key: (sections, items)
    "enterprise-ai-ml": (5, 20),
    "production-grade-top-0-1": (11, 71),
    "production-ml-gates": (6, 44),
    "ai-engineering-master-workflow": (10, 35),
    "ml-lifecycle-guide": (8, 104),
    "llm-promotion": (3, 13),
}


def _counts():
    return (
        ChecklistTemplate.objects.count(),
        TemplateVersion.objects.count(),
        TemplateSection.objects.count(),
        TemplateItem.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_library_loads_exactly_the_counts_of_the_source_documents():
    report = services.templates_load_library()
    assert sorted(v.template.key for v in report.created) == sorted(EXPECTED)
    for key, (sections, items) in EXPECTED.items():
        version = ChecklistTemplate.objects.get(key=key).current_version
        assert (version.sections.count(), version.items.count()) == (sections, items), key
    gates = ChecklistTemplate.objects.get(key="production-ml-gates").current_version
    assert gates.gate is True and all(item.sub_criteria for item in gates.items.all())
    enterprise = ChecklistTemplate.objects.get(key="enterprise-ai-ml").current_version.items
    assert enterprise.filter(requirement="required").count() == 16
    assert enterprise.filter(requirement="suggested").count() == 4
    assert all(i.implementation_questions and i.key_considerations and i.red_flags for i in enterprise.all())
    workflow = ChecklistTemplate.objects.get(key="ai-engineering-master-workflow").current_version.items.all()
    assert sum(len(item.options) for item in workflow) == 160
    assert {item.kind for item in workflow} == {"single_select", "multi_select"}
    lifecycle = ChecklistTemplate.objects.get(key="ml-lifecycle-guide").current_version
    assert lifecycle.items.filter(requirement="required").count() == 91
    assert lifecycle.sections.get(key="scoping").key_questions
    assert all(section.pitfalls for section in lifecycle.sections.all())
    assert ChecklistTemplate.objects.get(key="llm-promotion").current_version.applies_to == ["nlp_llm", "rag", "agents"]


def test_loading_the_library_twice_changes_nothing():
    call_command("load_checklist_templates", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = _counts()
    report = services.templates_load_library()
    assert report.created == [] and len(report.unchanged) == 6
    assert _counts() == before


def test_a_changed_file_becomes_a_new_version_and_projects_keep_theirs_until_they_upgrade(
    load_templates, project, team
):
    load_templates(template_document())
    template = ChecklistTemplate.objects.get(key="mini")
    checklist = services.checklist_apply(actor=project.owner, project=project, template=template)
    first = checklist.version.items.get(key="ck-01-check")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=first, owner=team["ds"], status="done")

    changed = template_document()
    changed["sections"][0]["items"][0]["title"] = "Check number 1, reworded"
    changed["sections"][0]["items"].pop()  # ck-03 removed
    changed["sections"][0]["items"].append(
        {"key": "ck-09-new", "title": "A new check", "stage": "monitoring", "requirement": "required", "kind": "check"}
    )
    report = load_templates(changed)

    assert [(v.template.key, v.number) for v in report.created] == [("mini", 2)]
    checklist.refresh_from_db()
    assert checklist.version.number == 1  # the project keeps what it started with
    diff = selectors.version_diff(old=checklist.version, new=template.versions.get(number=2))
    assert [i.key for i in diff.added] == ["ck-09-new"]
    assert [i.key for i in diff.removed] == ["ck-03-check"]
    assert [(new.key, fields) for _, new, fields in diff.changed] == [("ck-01-check", ["title"])]

    services.checklist_upgrade(actor=project.owner, checklist=checklist)
    checklist.refresh_from_db()
    assert checklist.version.number == 2
    response = ItemResponse.objects.get(checklist=checklist, item__key="ck-01-check", item__version=checklist.version)
    assert response.status == "done" and response.owner == team["ds"]


def _copy_library(tmp_path):
    folder = tmp_path / "library"
    shutil.copytree(LIBRARY_DIR, folder)
    return folder


def test_a_malformed_file_is_rejected_by_name_and_problem_and_nothing_is_loaded(tmp_path):
    folder = _copy_library(tmp_path)
    gates = folder / "production-ml-gates.yaml"
    gates.write_text(gates.read_text().replace("stage: monitoring", "stage: maintenance", 1))
    (folder / "enterprise-ai-ml.yaml").write_text("key: enterprise-ai-ml\nsections: [unclosed\n")
    before = _counts()

    with pytest.raises(CommandError) as failure:
        call_command("load_checklist_templates", directory=folder, stdout=open("/dev/null", "w"))  # noqa: SIM115

    message = str(failure.value)
    assert "production-ml-gates.yaml" in message and "'maintenance' is not one of" in message
    assert "enterprise-ai-ml.yaml" in message and "not valid YAML" in message
    assert _counts() == before
    assert before[:4] == (0, 0, 0, 0)


def test_a_broken_file_after_a_good_load_leaves_the_database_as_it_was(tmp_path):
    services.templates_load_library()
    before = _counts()
    folder = _copy_library(tmp_path)
    data = yaml.safe_load((folder / "llm-promotion.yaml").read_text())
    data["sections"][0]["items"][1]["key"] = data["sections"][0]["items"][0]["key"]
    (folder / "llm-promotion.yaml").write_text(yaml.safe_dump(data))
    lifecycle = folder / "ml-lifecycle-guide.yaml"
    lifecycle.write_text(lifecycle.read_text().replace("Hidden Confounders", "Hidden confounders"))

    with pytest.raises(ValidationError) as failure:
        services.templates_load_library(directory=folder)

    assert "llm-promotion.yaml" in str(failure.value) and "item key is used twice" in str(failure.value)
    assert _counts() == before  # the valid change to the lifecycle guide was not loaded either


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("sections"), "required key 'sections' is missing"),
        (lambda d: d.update(gate="yes"), "gate must be true or false"),
        (lambda d: d.update(applies_to=["chatbots"]), "applies_to[0] 'chatbots' is not one of"),
        (lambda d: d["sections"][1]["items"][0].update(options=[]), "needs a list of at least two options"),
        (lambda d: d["sections"][0]["items"][0].update(colour="red"), "unknown key 'colour'"),
        (lambda d: d["sections"][0]["items"][0].update(requirement="optional"), "requirement 'optional'"),
    ],
)
def test_each_format_problem_is_named(load_templates, change, problem):
    document = template_document()
    change(document)
    with pytest.raises(ValidationError) as failure:
        load_templates(document)
    assert "mini.yaml" in str(failure.value) and problem in str(failure.value)
    assert ChecklistTemplate.objects.count() == 0
