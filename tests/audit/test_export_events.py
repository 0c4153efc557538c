"""Every file handed out as an attachment is recorded: who exported what, where from, with which filters."""

from django.urls import reverse

from apps.audit.models import AuditEntry, SecurityEvent
from apps.projects.choices import Role


def test_a_risk_register_export_is_a_security_event_with_its_filters(client, project, member_of):
    officer = member_of(project, Role.COMPLIANCE_OFFICER)
    client.force_login(officer)
    url = reverse("risks:register-export", args=[project.slug, "csv"])
    response = client.get(url, {"band": "high", "status": "open"})
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == officer
    assert event.project_id == project.pk
    assert event.detail["filters"] == {"band": "high", "status": "open"}
    assert event.detail["what"].endswith(".csv")
    assert event.detail["path"] == url
    entry = AuditEntry.objects.filter(content_type__model="securityevent").latest("id")
    assert entry.project_id == project.pk and entry.object_repr.startswith("Export: ")


def test_an_api_export_is_recorded_under_its_user(api_client, project, member_of):
    officer = member_of(project, Role.COMPLIANCE_OFFICER)
    api_client.force_authenticate(officer)
    response = api_client.get("/api/v1/risks/export/xlsx/")
    assert response.status_code == 200, response.content[:200]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, user=officer).count() == 1


def test_pages_are_not_exports(client, project):
    client.force_login(project.owner)
    client.get(reverse("risks:risk-register", args=[project.slug]))
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()
