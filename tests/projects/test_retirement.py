"""A project with governance records is retired (read-only, kept, auditable), never deleted."""

import pytest
from django.core.exceptions import ValidationError

from apps.checklists import services as checklist_services
from apps.deliverables import services as deliverable_services
from apps.gates import services as gate_services
from apps.gates.choices import GoNoGo
from apps.gates.selectors import gate_for
from apps.projects import services
from apps.projects.choices import ProjectStatus, Role, Stage
from apps.projects.governance import _registry, governance_records, register_governance_records
from apps.projects.models import Project
from apps.risks import services as risk_services
from apps.risks.choices import Category

REFUSAL = "cannot be deleted: it holds governance records (1 gate events)"


@pytest.fixture
def governed(project):
    """A project with one governance record: a Go decision on its Feasibility gate."""
    gate_services.gate_record_decision(
        actor=project.owner,
        gate=gate_for(project=project, stage=Stage.FEASIBILITY),
        decision=GoNoGo.GO,
        rationale="Signal found",
    )
    return project


@pytest.fixture
def retired(governed):
    project = services.project_retire(actor=governed.owner, project=governed, reason="Replaced by the v2 model")
    project.owner = governed.owner
    return project


def test_delete_is_refused_while_the_project_holds_governance_records(governed):
    with pytest.raises(ValidationError, match="Retire it instead"):
        services.project_delete(actor=governed.owner, project=governed)
    assert Project.objects.filter(pk=governed.pk).exists()
    assert governance_records(governed) == [("gate events", 1)]


def test_a_project_without_governance_records_can_still_be_deleted(project):
    assert governance_records(project) == []
    services.project_delete(actor=project.owner, project=project)
    assert not Project.objects.filter(pk=project.pk).exists()


def test_other_apps_add_their_governance_records_through_the_registry(project):
    register_governance_records("model-cards", "model card revisions", lambda p: 2)
    try:
        with pytest.raises(ValidationError, match="2 model card revisions"):
            services.project_delete(actor=project.owner, project=project)
    finally:
        del _registry["model-cards"]


def test_retiring_needs_a_reason_and_records_who_and_when(governed):
    with pytest.raises(ValidationError, match="why"):
        services.project_retire(actor=governed.owner, project=governed, reason=" ")
    project = services.project_retire(actor=governed.owner, project=governed, reason="Replaced by the v2 model")
    assert project.is_retired and project.retired_by == governed.owner and project.retired_at is not None
    with pytest.raises(ValidationError, match="already retired"):
        services.project_retire(actor=governed.owner, project=project, reason="again")


def test_every_write_service_refuses_a_retired_project(governed, member_of):
    other = member_of(governed, Role.DATA_SCIENTIST)
    owner = governed.owner
    project = services.project_retire(actor=owner, project=governed, reason="Replaced by the v2 model")
    attempts = [
        lambda: services.project_update(actor=owner, project=project, name="Renamed"),
        lambda: services.membership_add(actor=owner, project=project, user=other, role=Role.QA_ENGINEER),
        lambda: risk_services.risk_create(
            actor=owner, project=project, title="x", category=Category.DEPENDENCY_FRAGILITY, impact=2, likelihood=2
        ),
        lambda: gate_services.gate_update_criteria(
            actor=owner, gate=gate_for(project=project, stage=Stage.SCOPING), go_no_go_criteria="x"
        ),
        lambda: deliverable_services.project_deliverables_setup(actor=owner, project=project),
        lambda: checklist_services.checklists_apply_defaults(actor=owner, project=project),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="is retired: it is read-only"):
            attempt()


def test_a_retired_project_stays_visible_with_a_banner_and_refuses_writes_in_ui_and_api(
    client, api_client, retired, auditor
):
    project = retired
    client.force_login(project.owner)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "data-retired-banner" in page and "Replaced by the v2 model" in page
    assert client.get(f"/projects/{project.slug}/risks/").status_code == 200
    assert client.get(f"/projects/{project.slug}/audit/").status_code == 200
    refused = client.post(f"/projects/{project.slug}/edit/", {"name": "Renamed"})
    assert refused.status_code == 403
    api_client.force_authenticate(project.owner)
    assert api_client.get(f"/api/v1/projects/{project.slug}/").json()["status"] == ProjectStatus.RETIRED
    patched = api_client.patch(f"/api/v1/projects/{project.slug}/", {"name": "Renamed"}, format="json")
    assert patched.status_code == 403 and "is retired" in patched.json()["error"]["message"]
    created = api_client.post(
        f"/api/v1/projects/{project.slug}/risks/",
        {"title": "x", "category": Category.DEPENDENCY_FRAGILITY, "impact": 2, "likelihood": 2},
        format="json",
    )
    assert created.status_code == 403
    api_client.force_authenticate(auditor)
    assert api_client.get(f"/api/v1/projects/{project.slug}/gates/").status_code == 200


def test_the_delete_page_refuses_and_offers_retirement(client, governed):
    client.force_login(governed.owner)
    page = client.get(f"/projects/{governed.slug}/delete/").content.decode()
    assert "cannot be deleted" in page and "1 gate events" in page and "Retire project" in page
    refused = client.post(f"/projects/{governed.slug}/delete/", {"confirm_name": governed.name})
    assert refused.status_code == 409 and REFUSAL in refused.content.decode()
    assert Project.objects.filter(pk=governed.pk).exists()
    assert client.post(f"/projects/{governed.slug}/retire/", {"reason": ""}).status_code == 400
    retired = client.post(f"/projects/{governed.slug}/retire/", {"reason": "Replaced by the v2 model"})
    assert retired.status_code == 302
    governed.refresh_from_db()
    assert governed.is_retired and governed.retirement_reason == "Replaced by the v2 model"


def test_the_delete_page_still_deletes_a_project_without_records(client, project):
    client.force_login(project.owner)
    assert client.post(f"/projects/{project.slug}/delete/", {"confirm_name": project.name}).status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_the_api_answers_409_with_the_error_shape_and_retires(api_client, governed):
    api_client.force_authenticate(governed.owner)
    refused = api_client.delete(f"/api/v1/projects/{governed.slug}/")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["status"] == 409 and error["code"] == "has_governance_records" and REFUSAL in error["message"]
    assert api_client.post(f"/api/v1/projects/{governed.slug}/retire/", {}, format="json").status_code == 400
    retired = api_client.post(f"/api/v1/projects/{governed.slug}/retire/", {"reason": "Done"}, format="json")
    assert retired.status_code == 200 and retired.json()["status"] == ProjectStatus.RETIRED
    assert api_client.delete(f"/api/v1/projects/{governed.slug}/").status_code == 409


def test_the_api_still_deletes_a_project_without_records(api_client, project):
    api_client.force_authenticate(project.owner)
    assert api_client.delete(f"/api/v1/projects/{project.slug}/").status_code == 204


def test_the_admin_refuses_delete_with_a_message_and_no_500(admin_client, governed):
    response = admin_client.post(f"/admin/projects/project/{governed.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200 and REFUSAL in response.content.decode()
    assert Project.objects.filter(pk=governed.pk).exists()
    listing = admin_client.post(
        "/admin/projects/project/",
        {"action": "delete_projects", "_selected_action": [governed.pk]},
        follow=True,
    )
    assert listing.status_code == 200 and REFUSAL in listing.content.decode()
    assert Project.objects.filter(pk=governed.pk).exists()


def test_the_admin_deletes_a_project_without_records(admin_client, project):
    response = admin_client.post(
        "/admin/projects/project/", {"action": "delete_projects", "_selected_action": [project.pk]}, follow=True
    )
    assert response.status_code == 200 and not Project.objects.filter(pk=project.pk).exists()
