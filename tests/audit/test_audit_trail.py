import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from knox.models import AuthToken

from apps.audit.models import AuditEntry
from apps.audit.services import audit_chain_verify
from apps.core.models import AppendOnlyError
from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory, add_member, edit_form_data


def project_updates(project):
    return AuditEntry.objects.filter(
        project_id=project.pk, action=AuditEntry.Action.UPDATE, content_type__model="project"
    )


def test_ui_edit_is_audited_with_actor_and_before_after(client, project):
    client.force_login(project.owner)
    client.post(
        reverse("projects:project-update", args=[project.slug]),
        edit_form_data(project, name="Churn v2", minimum_threshold="AUC-ROC ≥ 0.85"),
    )
    entry = project_updates(project).get()
    assert entry.actor == project.owner
    assert entry.changes["name"] == [project.name, "Churn v2"]
    assert entry.changes["minimum_threshold"] == ["AUC-ROC ≥ 0.80", "AUC-ROC ≥ 0.85"]
    assert entry.remote_addr == "127.0.0.1"


def test_api_edit_with_a_token_is_audited_with_its_actor(api_client, project):
    _, key = AuthToken.objects.create(user=project.owner)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.patch(f"/api/v1/projects/{project.slug}/", {"status": "on_hold"}, format="json")
    assert response.status_code == 200
    entry = project_updates(project).get()
    assert entry.actor == project.owner
    assert entry.changes["status"] == ["active", "on_hold"]


def test_admin_edit_is_audited(client, project):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    data = edit_form_data(
        project, name="Renamed in admin", business_kpis="[]", guardrail_metrics='["Precision@10% ≥ 0.6"]'
    )
    data.update({"memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:projects_project_change", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = project_updates(project).get()
    assert entry.actor == admin
    assert entry.changes["name"] == [project.name, "Renamed in admin"]


def test_membership_changes_are_audited_under_their_project(project, member_of):
    user = member_of(project, Role.DOMAIN_SME)
    entry = AuditEntry.objects.filter(content_type__model="membership").order_by("-id").first()
    assert entry.project_id == project.pk
    assert entry.changes["role"] == ["None", Role.DOMAIN_SME]
    assert str(user.pk) == entry.changes["user"][1]


def test_intact_chain_verifies(project, member_of):
    member_of(project)
    result = audit_chain_verify()
    assert result.ok and result.checked == AuditEntry.objects.count() > 3
    call_command("verify_audit_chain")


def _tamper(sql, params):
    """What a database superuser could do: on PostgreSQL, bypass triggers for the session first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_altering_a_row_in_the_database_breaks_the_chain_at_that_entry(project):
    victim = project_updates(project).first() or AuditEntry.objects.filter(project_id=project.pk).order_by("id")[1]
    _tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["Something else", victim.id])
    with pytest.raises(CommandError, match=rf"entry #{victim.id}: its content no longer matches"):
        call_command("verify_audit_chain")


def test_removing_a_row_breaks_the_link_of_the_next_entry(project, member_of):
    member_of(project)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [ids[2]])
    result = audit_chain_verify()
    assert result.first_broken_id == ids[3]
    assert "link" in result.reason


def test_the_orm_refuses_to_change_or_delete_entries(project):
    entry = AuditEntry.objects.first()
    entry.object_repr = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET object_repr = 'x'", "DELETE FROM audit_auditentry"])
def test_postgresql_trigger_refuses_update_and_delete(project, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (SQLite run)")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.filter(object_repr="x").count() == 0


def test_audit_api_has_no_write_endpoints(api_client, project):
    api_client.force_authenticate(project.owner)
    entry = AuditEntry.objects.filter(project_id=project.pk).first()
    assert api_client.get(f"/api/v1/audit-entries/{entry.pk}/").status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(api_client, method)(f"/api/v1/audit-entries/{entry.pk}/", {}).status_code == 405
    assert api_client.post("/api/v1/audit-entries/", {}).status_code == 405


def test_csv_export_follows_filters_and_neutralises_formulas(client, project):
    client.force_login(project.owner)
    client.post(
        reverse("projects:project-update", args=[project.slug]),
        edit_form_data(project, name='=HYPERLINK("http://evil.example","x")'),
    )
    response = client.get(
        reverse("audit:project-auditentry-list", args=[project.slug]), {"format": "csv", "action": "1"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # Excel reads the BOM as "this is UTF-8"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert {row["action"] for row in rows} == {"update"}
    name_row = next(row for row in rows if row["field"] == "name")
    assert name_row["after"].startswith("'=HYPERLINK")
    assert name_row["record_as_written"].startswith("'=HYPERLINK")
    assert name_row["project"].startswith("'=HYPERLINK")  # the project column is escaped too


def test_a_member_without_audit_rights_cannot_read_the_trail(client, project, member_of):
    scientist = member_of(project, Role.DATA_SCIENTIST)
    client.force_login(scientist)
    assert client.get(reverse("audit:project-auditentry-list", args=[project.slug])).status_code == 403
    assert client.get(reverse("audit:auditentry-list")).status_code == 403


def test_portal_wide_trail_shows_only_projects_the_user_may_audit(client, member_of):
    mine, other = ProjectFactory(name="Visible churn"), ProjectFactory(name="Hidden fraud")
    officer = member_of(mine, Role.COMPLIANCE_OFFICER)
    client.force_login(officer)
    page = client.get(reverse("audit:auditentry-list")).content.decode()
    assert "Visible churn" in page and "Hidden fraud" not in page
    hidden = client.get(reverse("audit:auditentry-list"), {"project": other.slug})
    assert "Hidden fraud" not in hidden.content.decode()


def test_auditor_reads_the_portal_wide_trail_including_accounts(client, auditor, project):
    client.force_login(auditor)
    page = client.get(reverse("audit:auditentry-list")).content.decode()
    assert project.name in page
    # A new project's default RACI matrix writes a few hundred entries: find the accounts among them.
    accounts = {"record_type": ContentType.objects.get_for_model(type(project.owner)).pk}
    page = client.get(reverse("audit:auditentry-list"), accounts).content.decode()
    assert project.owner.display_name in page


@pytest.mark.parametrize("rows", [3, 30])
def test_audit_list_runs_constant_queries(db, client, django_assert_max_num_queries, rows):
    project = ProjectFactory()
    for _ in range(rows):
        add_member(project, UserFactory(), Role.QA_ENGINEER)
    officer = UserFactory()
    add_member(project, officer, Role.COMPLIANCE_OFFICER)
    client.force_login(officer)
    pages = {reverse("audit:project-auditentry-list", args=[project.slug]): 12, reverse("audit:auditentry-list"): 11}
    for url in pages:
        client.get(url)  # warm the content-type cache
    # No COUNT of the trail; one query per record type named on the page (a new project's defaults bring
    # a few), whose joins also bring what the changes point to (a RACI assignment's activity); the
    # projects and the actors come with the page; the record-type drop-down reads the content-type cache.
    for url, queries in pages.items():
        with django_assert_max_num_queries(queries):
            assert client.get(url).status_code == 200
    apis = {f"/api/v1/audit-entries/?project={project.slug}": 6, "/api/v1/audit-entries/": 5}
    for api, queries in apis.items():
        with django_assert_max_num_queries(queries):
            assert client.get(api).status_code == 200


def test_audit_api_pages_by_cursor_and_never_counts(client, project):
    client.force_login(project.owner)
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/audit-entries/", {"project": project.slug, "page_size": 5}).json()
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)
    assert "count" not in first and first["previous"] is None and len(first["results"]) == 5
    second = client.get(first["next"]).json()
    ids = [entry["id"] for entry in first["results"] + second["results"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 10  # newest first, no entry twice
    assert client.get(second["previous"]).json()["results"] == first["results"]


def test_record_type_filter_offers_the_audited_types_and_refuses_others(client, project):
    client.force_login(project.owner)
    project_type = ContentType.objects.get_for_model(type(project))
    page = client.get(reverse("audit:auditentry-list")).content.decode()
    assert f'<option value="{project_type.pk}" >Projects | project</option>' in page
    entries = client.get("/api/v1/audit-entries/", {"record_type": project_type.pk}).json()["results"]
    assert entries and {entry["record_type"] for entry in entries} == {"project"}
    session_type = ContentType.objects.get(app_label="sessions", model="session")  # not audited
    refused = client.get("/api/v1/audit-entries/", {"record_type": session_type.pk})
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["record_type"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
