"""The audit trail names records as people read them, shows their project, and pages without counting."""

import csv
import io

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEntry
from apps.checklists import services as checklist_services
from apps.checklists.models import ChecklistTemplate
from apps.projects.choices import Role
from apps.risks import services as risk_services
from apps.risks.choices import Category
from tests.checklists.conftest import template_document
from tests.factories import ProjectFactory, UserFactory, add_member, record_risk


@pytest.fixture
def named_records(project, tmp_path):
    """A checklist item marked in progress and a risk, both on `project`."""
    (tmp_path / "mini.yaml").write_text(yaml.safe_dump(template_document(name="Production ML gates")))
    checklist_services.templates_load_library(directory=tmp_path)
    template = ChecklistTemplate.objects.get(key="mini")
    checklist = checklist_services.checklist_apply(actor=project.owner, project=project, template=template)
    item = checklist.version.items.get(key="ck-01-check")
    checklist_services.item_response_update(actor=project.owner, checklist=checklist, item=item, status="in_progress")
    risk = record_risk(project, owner=None)
    return checklist, risk


def test_records_are_named_as_people_read_them_with_their_project(client, auditor, project, named_records):
    client.force_login(auditor)
    html = client.get(reverse("audit:auditentry-list")).content.decode()
    assert f"Checklist item ck-01-check “Check number 1” — {project.name} / Production ML gates" in html.replace(
        "&quot;", '"'
    )
    assert f"Risk {project.key}-R-001 “Upstream schema change breaks ingestion”" in html
    assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in html
    assert "Item response #" not in html


def test_csv_export_has_the_readable_record_and_the_project(client, auditor, project, named_records):
    client.force_login(auditor)
    response = client.get(reverse("audit:auditentry-list"), {"format": "csv", "q": "R-001"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    risk_rows = [row for row in rows if row["record_type"] == "risk"]
    assert risk_rows and all(row["record"].startswith(f"Risk {project.key}-R-001") for row in risk_rows)
    assert {(row["project"], row["project_key"]) for row in risk_rows} == {(project.name, project.key)}


def test_a_deleted_record_keeps_the_name_it_had(client, auditor, project, named_records):
    _, risk = named_records
    risk_services.risk_delete(actor=project.owner, risk=risk)
    client.force_login(auditor)
    html = client.get(reverse("audit:auditentry-list"), {"record_type": risk.__class__.__name__}).content.decode()
    assert "R-001 Upstream schema change breaks ingestion" in html


def test_pages_go_by_entry_id_and_never_count_the_trail(client, auditor, project):
    for _ in range(60):
        add_member(project, UserFactory(), Role.QA_ENGINEER)
    client.force_login(auditor)
    url = reverse("audit:auditentry-list")
    with CaptureQueriesContext(connection) as captured:
        first = client.get(url, {"project": project.slug})
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"] and "audit_auditentry" in q["sql"]]
    entries = first.context["entries"]
    newest = AuditEntry.objects.filter(project_id=project.pk).order_by("-id")
    assert [e.id for e in entries] == list(newest.values_list("id", flat=True)[:50])
    html = first.content.decode()
    older = f"?project={project.slug}&amp;before={entries[-1].id}"
    assert older in html and "after=" not in html
    second = client.get(url, {"project": project.slug, "before": entries[-1].id})
    rest = list(newest.values_list("id", flat=True)[50:100])
    assert [e.id for e in second.context["entries"]] == rest
    back = second.content.decode()
    assert f"?project={project.slug}&amp;after={rest[0]}" in back
    again = client.get(url, {"project": project.slug, "after": rest[0]})
    assert [e.id for e in again.context["entries"]] == [e.id for e in entries]


def test_portal_wide_trail_with_names_runs_a_bounded_number_of_queries_at_two_sizes(
    client, auditor, project, named_records, django_assert_max_num_queries
):
    """One query per record type on the page (names, and foreign keys in the changes), never one per entry:
    a page of many record types costs more than a page of one, a longer trail costs nothing more."""
    other = ProjectFactory()

    def add_risks(count):
        for n in range(count):
            risk_services.risk_create(
                actor=other.owner, project=other, title=f"Risk {n}", category=Category.PRIVACY, impact=2, likelihood=2
            )

    def page():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("audit:auditentry-list"))
        assert response.status_code == 200
        return len(captured), {entry.content_type_id for entry in response.context["entries"]}

    client.force_login(auditor)
    add_risks(2)
    page()  # warm the content-type and permission caches
    small, small_types = page()
    add_risks(60)
    with django_assert_max_num_queries(small):
        large, large_types = page()
    assert small <= 34 and large <= small
    assert len(large_types) <= len(small_types)
