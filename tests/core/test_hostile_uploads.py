"""Uploads and pasted documents with hostile names, bytes or shapes get a clear 400 and leave nothing behind."""

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import safe_file_name
from apps.core.yamlload import YamlLimitError, load_yaml
from apps.risks.importing import risk_import_start

pytestmark = pytest.mark.django_db


def test_safe_file_name_keeps_the_extension_and_cuts_on_a_character_boundary():
    name = safe_file_name("ü" * 100 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode()) <= 120
    name.encode().decode("utf-8")  # no half character left at the cut


def test_a_csv_with_a_nul_byte_is_refused_with_a_message(project):
    upload = SimpleUploadedFile("register.csv", b"Category,Impact,Likelihood\nPrivacy,2\x00,3\n")
    with pytest.raises(ValidationError, match="NUL character"):
        risk_import_start(actor=project.owner, project=project, upload=upload)


def test_a_nul_in_a_search_or_url_is_a_400_not_a_500(api_client, client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.get("/api/v1/projects/?search=%00")
    assert response.status_code == 400 and response.json()["error"]["status"] == 400
    client.force_login(project.owner)
    assert client.get("/projects/?q=a%00b").status_code == 400


def test_a_nul_in_a_json_string_is_a_400(api_client, project):
    api_client.force_authenticate(project.owner)
    response = api_client.patch(
        f"/api/v1/projects/{project.slug}/", '{"guardrail_metrics": ["a\\u0000b"]}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]


def test_yaml_aliases_are_refused_before_they_expand():
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    with pytest.raises(YamlLimitError, match="aliases"):
        load_yaml(bomb)


def test_deeply_nested_yaml_is_refused_with_its_line():
    with pytest.raises(YamlLimitError, match="nested deeper than 20") as error:
        load_yaml("[" * 500 + "]" * 500)
    assert error.value.problem_mark.line == 0


def test_an_oversized_yaml_document_is_refused_unread():
    with pytest.raises(YamlLimitError, match="at most"):
        load_yaml("a: b\n" * 300_000)


def test_ordinary_yaml_still_loads():
    assert load_yaml("model_card:\n  name: churn\n  metrics: [{name: auc, value: 0.84}]\n") == {
        "model_card": {"name": "churn", "metrics": [{"name": "auc", "value": 0.84}]}
    }
    assert isinstance(load_yaml("key: value"), dict)
    assert yaml.safe_load("a: 1") == load_yaml("a: 1")


def test_a_nested_checklist_template_upload_is_a_clear_error(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/checklists/templates/upload/",
        {"file": SimpleUploadedFile("deep.yaml", ("key: deep\nsections: " + "[" * 300 + "]" * 300).encode())},
    )
    assert response.status_code == 200
    assert "nested deeper than 20 levels" in response.content.decode()


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_nul_in_a_form_field_is_a_400_even_before_any_form_runs(api_client, db, content_type):
    # The token endpoint asks the lockout table about the username before its serializer runs.
    if content_type == "multipart/form-data":
        response = api_client.post("/api/v1/auth/token/", {"username": "a\x00b", "password": "x"}, format="multipart")
    else:
        response = api_client.post("/api/v1/auth/token/", "username=a%00b&password=x", content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_a_nul_in_the_login_form_is_a_400(client, db):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
