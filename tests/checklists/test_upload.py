"""Organisation templates: uploaded by portal admins (UI or API), checked and versioned like the library."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.checklists import services
from apps.checklists.models import ChecklistTemplate
from tests.checklists.conftest import template_document
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _yaml(document) -> bytes:
    return yaml.safe_dump(document, sort_keys=False).encode()


def test_portal_admin_uploads_an_organisation_template_in_the_ui_and_a_new_version_through_the_api(
    client, api_client, portal_admin
):
    client.force_login(portal_admin)
    page = client.post(
        reverse("checklists:template-upload"),
        {"file": SimpleUploadedFile("acme-release.yaml", _yaml(template_document("acme-release")))},
        follow=True,
    )
    assert page.status_code == 200 and "as version 1" in page.content.decode()
    template = ChecklistTemplate.objects.get(key="acme-release")
    assert template.origin == "organisation"

    api_client.force_authenticate(portal_admin)
    same = api_client.post(
        "/api/v1/checklist-templates/", {"document": _yaml(template_document("acme-release")).decode()}
    )
    assert same.status_code == 200 and same.json()["created"] is False
    changed = template_document("acme-release", checks=4)
    response = api_client.post(
        "/api/v1/checklist-templates/", {"document": _yaml(changed).decode(), "file_name": "acme.yaml"}
    )
    assert response.status_code == 201 and response.json()["version"]["number"] == 2
    diff = api_client.get("/api/v1/checklist-templates/acme-release/diff/?from=1&to=2").json()
    assert [i["key"] for i in diff["added"]] == ["ck-04-check"]


def test_a_malformed_upload_is_refused_with_the_problem_in_ui_and_api(client, api_client, portal_admin):
    broken = template_document("acme")
    broken["sections"][0]["items"][0]["stage"] = "launch"
    client.force_login(portal_admin)
    page = client.post(reverse("checklists:template-upload"), {"file": SimpleUploadedFile("acme.yaml", _yaml(broken))})
    assert page.status_code == 200 and "stage &#x27;launch&#x27; is not one of" in page.content.decode()
    api_client.force_authenticate(portal_admin)
    response = api_client.post(
        "/api/v1/checklist-templates/", {"file": SimpleUploadedFile("acme.yaml", _yaml(broken))}, format="multipart"
    )
    assert (
        response.status_code == 400
        and "acme.yaml: item 'ck-01-check'.stage 'launch'" in response.json()["error"]["message"]
    )
    assert not ChecklistTemplate.objects.exists()


def test_an_upload_cannot_take_over_a_library_templates_key(api_client, portal_admin, load_templates):
    load_templates(template_document("mini"))
    api_client.force_authenticate(portal_admin)
    response = api_client.post("/api/v1/checklist-templates/", {"document": _yaml(template_document("mini")).decode()})
    assert (
        response.status_code == 400
        and "belongs to a template of the portal library" in response.json()["error"]["message"]
    )


def test_only_portal_admins_upload_templates(client, api_client, project):
    client.force_login(project.owner)
    assert client.get(reverse("checklists:template-upload")).status_code == 403
    api_client.force_authenticate(project.owner)
    response = api_client.post("/api/v1/checklist-templates/", {"document": _yaml(template_document("x")).decode()})
    assert response.status_code == 403
    with pytest.raises(Exception, match="Only portal administrators"):
        services.template_upload(actor=project.owner, content=_yaml(template_document("x")), file_name="x.yaml")


def test_everyone_signed_in_reads_the_template_library(client, api_client, outsider, load_templates):
    load_templates(template_document("mini"))
    client.force_login(outsider)
    assert "Mini checklist mini" in client.get(reverse("checklists:template-list")).content.decode()
    assert client.get(reverse("checklists:template-detail", args=["mini"])).status_code == 200
    api_client.force_authenticate(outsider)
    version = api_client.get("/api/v1/checklist-templates/mini/versions/1/").json()
    assert [s["key"] for s in version["sections"]] == ["checks", "questions"]


def test_the_django_admin_uploads_through_the_same_service_and_shows_format_problems(client, portal_admin):
    client.force_login(portal_admin)
    url = reverse("admin:checklists_checklisttemplate_add")
    broken = template_document("acme-admin")
    broken["gate"] = "maybe"
    refused = client.post(url, {"file": SimpleUploadedFile("acme-admin.yaml", _yaml(broken))})
    assert refused.status_code == 200 and "gate must be true or false" in refused.content.decode()
    added = client.post(url, {"file": SimpleUploadedFile("acme-admin.yaml", _yaml(template_document("acme-admin")))})
    assert added.status_code == 302
    assert ChecklistTemplate.objects.get(key="acme-admin").current_version.loaded_by == portal_admin
