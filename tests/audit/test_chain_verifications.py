"""The chain's verifications are recorded (one service for the command and the nightly task) and shown."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.audit.models import AuditEntry, ChainVerification
from apps.audit.tasks import verify_audit_chain
from apps.projects.choices import Role
from tests.audit.test_audit_trail import _tamper
from tests.factories import ProjectFactory

LIST = "/api/v1/audit-chain-verifications/"


def _tamper_second_entry_of(project) -> int:
    victim = AuditEntry.objects.filter(project_id=project.pk).order_by("id")[1].id
    _tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["Something else", victim])
    return victim


def test_the_command_records_an_intact_chain_with_its_head(project, member_of):
    member_of(project)
    head = AuditEntry.objects.order_by("-id").first()
    call_command("verify_audit_chain")
    result = ChainVerification.objects.get()
    assert (result.trigger, result.intact, result.first_broken_entry_id) == ("command", True, None)
    assert result.entries_checked == AuditEntry.objects.count()
    assert (result.head_id, result.head_hash) == (head.id, head.entry_hash)
    assert "intact" in result.message


def test_the_nightly_task_records_its_result(project):
    outcome = verify_audit_chain.delay().get()
    result = ChainVerification.objects.get()
    assert result.pk == outcome["verification_id"]
    assert (result.trigger, result.intact) == ("nightly", True)
    assert result.entries_checked == outcome["checked"] == AuditEntry.objects.count()


def test_a_tampered_chain_is_recorded_broken_at_the_altered_entry_by_command_and_task(project, member_of):
    member_of(project)
    victim = _tamper_second_entry_of(project)
    with pytest.raises(CommandError, match=f"#{victim}"):
        call_command("verify_audit_chain")
    verify_audit_chain.delay().get()
    by_command, by_task = ChainVerification.objects.order_by("id")
    for result in (by_command, by_task):
        assert result.intact is False
        assert result.first_broken_entry_id == victim
        assert f"#{victim}" in result.message
        # Everything before the altered entry verified; the head is the last good entry.
        before = AuditEntry.objects.filter(id__lt=victim).order_by("-id")
        assert result.entries_checked == before.count()
        assert result.head_hash == before.first().entry_hash
    assert (by_command.trigger, by_task.trigger) == ("command", "nightly")


def test_recording_a_verification_does_not_extend_the_chain(project):
    entries = AuditEntry.objects.count()
    call_command("verify_audit_chain", "--checkpoint")
    call_command("verify_audit_chain")
    assert AuditEntry.objects.count() == entries
    first, second = ChainVerification.objects.order_by("id")
    assert second.intact and second.head_hash == first.head_hash


def test_the_dashboard_panel_shows_the_latest_verification_red_when_broken(client, auditor, project, member_of):
    client.force_login(auditor)
    assert "Not run yet." in client.get("/").content.decode()
    call_command("verify_audit_chain")
    page = client.get("/").content.decode()
    assert 'data-verification="intact"' in page and "Chain intact" in page
    member_of(project)
    victim = _tamper_second_entry_of(project)
    with pytest.raises(CommandError):
        call_command("verify_audit_chain")
    page = client.get("/").content.decode()
    assert 'class="alert alert-danger' in page and 'data-verification="broken"' in page
    assert f"#{victim}" in page and "Chain intact" not in page


def test_the_audit_trail_page_header_shows_the_latest_verification(client, auditor, project, member_of):
    member_of(project, Role.COMPLIANCE_OFFICER)
    client.force_login(auditor)
    url = reverse("audit:auditentry-list")
    assert 'data-verification="none"' in client.get(url).content.decode()
    verify_audit_chain.delay().get()
    page = client.get(url).content.decode()
    assert 'data-verification="intact"' in page
    assert f"{AuditEntry.objects.count()} entries verified" in page
    project_page = client.get(reverse("audit:project-auditentry-list", args=[project.slug])).content.decode()
    assert 'data-verification="intact"' in project_page


def test_the_api_lists_verifications_newest_first_read_only(api_client, auditor, project, member_of):
    call_command("verify_audit_chain")
    member_of(project)
    victim = _tamper_second_entry_of(project)
    verify_audit_chain.delay().get()
    api_client.force_authenticate(auditor)
    response = api_client.get(LIST)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["trigger"], row["intact"], row["first_broken_entry_id"]) for row in rows] == [
        ("nightly", False, victim),
        ("command", True, None),
    ]
    assert [row["trigger"] for row in api_client.get(LIST, {"intact": "true"}).json()["results"]] == ["command"]
    assert api_client.post(LIST, {}).status_code == 405


def test_the_api_list_costs_the_same_queries_at_two_sizes(api_client, auditor, project, django_assert_max_num_queries):
    api_client.force_authenticate(auditor)
    call_command("verify_audit_chain")
    assert api_client.get(LIST).status_code == 200  # warm the permission cache
    with django_assert_max_num_queries(6) as small:
        assert len(api_client.get(LIST).json()["results"]) == 1
    for _ in range(4):
        call_command("verify_audit_chain")
    with django_assert_max_num_queries(len(small)):
        assert len(api_client.get(LIST).json()["results"]) == 5


def test_the_dashboard_costs_the_same_queries_with_more_verifications(client, auditor, django_assert_max_num_queries):
    ProjectFactory()
    client.force_login(auditor)
    call_command("verify_audit_chain")
    client.get("/")
    with django_assert_max_num_queries(100) as small:
        client.get("/")
    for _ in range(4):
        call_command("verify_audit_chain")
    with django_assert_max_num_queries(len(small)):
        client.get("/")
