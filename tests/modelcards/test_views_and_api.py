"""Pages and API of model cards: what each person sees and may do, exports, PDF, query counts."""

import io

import pytest
import yaml
from django.urls import reverse
from pypdf import PdfReader

from apps.modelcards import formats, services
from apps.modelcards.models import CardRevision, MLModel
from apps.signoffs.models import SignoffRequest

from .paths import api_url, page_urls, write_urls

pytestmark = pytest.mark.django_db


def test_members_read_every_page_and_export(client, project, team, imported):
    client.force_login(team["engineer"])
    for name, url in page_urls(project).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
    exported = client.get(page_urls(project)["export_yaml"]).content.decode()
    assert yaml.safe_load(exported)["model_card"] == imported.content


def test_import_page_saves_a_revision_and_shows_field_path_errors(client, project, team, seed_yaml):
    client.force_login(team["scientist"])
    url = write_urls(project)[1]
    bad = client.post(url, {"format": "yaml", "text": seed_yaml.replace("value: 0.38", "value: [0.38]")})
    assert bad.status_code == 200
    assert "model_card.metrics.secondary[0].value" in bad.content.decode()
    assert not CardRevision.objects.exists()
    response = client.post(url, {"format": "yaml", "text": seed_yaml})
    revision = CardRevision.objects.get()
    assert response.status_code == 302 and response["Location"] == revision.get_absolute_url()


def test_edit_form_changes_a_metric_and_keeps_unknown_keys(client, project, team, seed_yaml):
    services.card_import(
        actor=team["scientist"], project=project, data=seed_yaml + "  registry_uri: models:/churn/7\n", fmt="yaml"
    )
    client.force_login(team["scientist"])
    edit_url = write_urls(project)[2]
    form = client.get(edit_url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"primary_0_value": "0.861", "note": "Retrained"})
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    second = CardRevision.objects.get(number=2)
    first = CardRevision.objects.get(number=1)
    assert second.content["metrics"]["primary"][0] == {"metric": "AUC-ROC", "value": 0.861}
    assert second.content["registry_uri"] == "models:/churn/7"
    changed = {k for k in first.content if first.content[k] != second.content[k]}
    assert changed == {"metrics"}


def test_edit_form_refuses_a_non_number_metric(client, project, team, imported):
    client.force_login(team["scientist"])
    edit_url = write_urls(project)[2]
    form = client.get(edit_url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["primary_0_value"] = "high"
    response = client.post(edit_url, data)
    assert response.status_code == 200 and "is not a number" in response.content.decode()
    assert CardRevision.objects.count() == 1


def test_yaml_editor_saves_a_revision(client, project, team, imported):
    client.force_login(team["scientist"])
    text = formats.card_yaml(imported.content).replace("version: 2.1.0", "version: 2.1.1")
    response = client.post(write_urls(project)[2] + "?mode=yaml", {"card_yaml": text})
    assert response.status_code == 302
    assert CardRevision.objects.get(number=2).version == "2.1.1"


def test_compare_page_shows_the_changed_metric(client, project, team, imported):
    content = dict(imported.content, metrics={**imported.content["metrics"]})
    content["metrics"]["primary"] = [{"metric": "AUC-ROC", "value": 0.861}, *imported.content["metrics"]["primary"][1:]]
    services.card_revision_create(actor=team["scientist"], model=imported.model, content=content)
    client.force_login(team["sponsor"])
    page = client.get(page_urls(project, number=2)["compare"]).content.decode()
    assert "metrics.primary[AUC-ROC].value" in page and "0.847" in page and "0.861" in page


def test_submit_page_opens_a_signoff_with_the_chosen_roles(client, project, team, imported):
    client.force_login(team["mlops"])
    url = write_urls(project)[4]
    response = client.post(
        url, {"roles": ["data_scientist", "ethics_reviewer"], "due_on": "2099-01-01", "note": "Please"}
    )
    assert response.status_code == 302
    signoff = SignoffRequest.objects.get()
    assert sorted(slot.role for slot in signoff.approvers.all()) == ["data_scientist", "ethics_reviewer"]
    assert "Awaiting sign-off" in client.get(page_urls(project)["card"]).content.decode()


def test_pdf_carries_the_card_the_approval_record_and_the_fingerprint(client, project, team, imported, approve, caplog):
    signoff = approve(imported)
    client.force_login(team["sponsor"])
    with caplog.at_level("ERROR"):
        response = client.get(page_urls(project)["export_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in ("customer_churn_predictor", "AUC-ROC", "tenure < 6 months", "Approval record", "Page 1 of"):
        assert expected in text, expected
    assert signoff.fingerprint[:32] in text.replace(" ", "")
    assert team["ethics"].display_name in text


def test_api_reads_writes_diffs_submits_and_exports(api_client, project, team, imported, seed_yaml):
    api_client.force_authenticate(team["scientist"])
    card = api_client.get(api_url(project, "customer_churn_predictor/card/")).json()
    assert card["latest"]["number"] == 1 and card["latest"]["state"] == "draft"
    assert [r["key"] for r in card["completeness"] if r["missing"]] == ["caveats_and_recommendations"]
    content = card["latest"]["content"]
    content["metrics"]["primary"][0]["value"] = 0.861
    created = api_client.post(
        api_url(project, "customer_churn_predictor/revisions/"), {"content": content, "note": "API"}, format="json"
    )
    assert created.status_code == 201 and created.json()["number"] == 2 and created.json()["source"] == "api"
    bad = dict(content, version="two")
    refused = api_client.post(api_url(project, "customer_churn_predictor/revisions/"), {"content": bad}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["version"] == [
        '"two" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 2.1.0)'
    ]
    diff = api_client.get(api_url(project, "customer_churn_predictor/diff/?from=1&to=2")).json()
    assert diff["changes"] == [
        {
            "path": "metrics.primary[AUC-ROC].value",
            "label": "Metrics › Primary metrics [AUC-ROC] › Value",
            "kind": "changed",
            "before": 0.847,
            "after": 0.861,
        }
    ]
    # The only Data Scientist cannot fill the Data Scientist slot of their own request: the engine says so.
    refused = api_client.post(api_url(project, "customer_churn_predictor/revisions/2/submit/"), {}, format="json")
    assert refused.status_code == 400 and "Data Scientist" in refused.json()["error"]["message"]
    api_client.force_authenticate(team["mlops"])
    submitted = api_client.post(api_url(project, "customer_churn_predictor/revisions/2/submit/"), {}, format="json")
    assert submitted.status_code == 201 and submitted.json()["state"] == "open"
    revisions = api_client.get(api_url(project, "customer_churn_predictor/revisions/")).json()
    assert [(r["number"], r["state"]) for r in revisions] == [(2, "in_review"), (1, "draft")]
    mct = api_client.get(api_url(project, "customer_churn_predictor/revisions/2/export/mct/"))
    assert mct.status_code == 200 and mct.json()["schema_version"] == "0.0.2"
    readme = api_client.get(api_url(project, "customer_churn_predictor/revisions/2/export/huggingface/"))
    assert b"model-index" in readme.content


def test_api_imports_yaml_and_refuses_bad_input_with_the_error_shape(api_client, project, team, seed_yaml):
    api_client.force_authenticate(team["mlops"])
    response = api_client.post(api_url(project, "import/"), {"text": seed_yaml, "format": "yaml"}, format="json")
    assert response.status_code == 201 and response.json()["model"] == "customer_churn_predictor"
    bad = api_client.post(api_url(project, "import/"), {"text": "model_card: [", "format": "yaml"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert "Not valid YAML" in bad.json()["error"]["message"]
    malformed = api_client.post(api_url(project, "import/"), "{not json", content_type="application/json")
    assert malformed.status_code == 400 and "error" in malformed.json()
    assert CardRevision.objects.count() == 1


def test_api_creates_and_updates_models(api_client, project, team):
    api_client.force_authenticate(team["owner"])
    created = api_client.post(
        api_url(project), {"name": "Churn challenger", "promoted_version": "1.0.0"}, format="json"
    )
    assert created.status_code == 201 and created.json()["key"] == "churn-challenger" and created.json()["is_current"]
    bad = api_client.patch(api_url(project, "churn-challenger/"), {"promoted_version": "1.0"}, format="json")
    assert bad.status_code == 400 and "promoted_version" in bad.json()["error"]["fields"]
    assert MLModel.objects.get().promoted_version == "1.0.0"


def test_openapi_schema_lists_the_model_card_endpoints(client):
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/models/{model_key}/diff/", "/models/import/", "/models/{model_key}/revisions/{number}/submit/"):
        assert path in schema, path


def _models(project, team, count):
    for index in range(count):
        model = services.ml_model_create(actor=team["mlops"], project=project, name=f"Model {index}")
        content = {"model_name": f"model_{index}", "version": "1.0.0"}
        revision = services.card_revision_create(actor=team["mlops"], model=model, content=content)
        services.card_revision_create(actor=team["mlops"], model=model, content={**content, "version": "1.0.1"})
        if index % 2:
            services.card_revision_submit(actor=team["mlops"], revision=services.latest_revision(model))
        assert revision.number == 1


@pytest.mark.parametrize("count", [2, 12])
def test_list_page_and_endpoint_run_constant_queries(
    client, api_client, project, team, count, django_assert_max_num_queries
):
    _models(project, team, count)
    client.force_login(team["sponsor"])
    with django_assert_max_num_queries(16):
        assert client.get(page_urls(project)["list"]).status_code == 200
    api_client.force_authenticate(team["sponsor"])
    with django_assert_max_num_queries(8):
        assert len(api_client.get(api_url(project)).json()["results"]) == count


@pytest.mark.parametrize("count", [2, 12])
def test_card_page_runs_constant_queries(client, project, team, imported, count, django_assert_max_num_queries):
    content = imported.content
    for index in range(count):
        content = dict(content, contact=f"team{index}@example.test")
        services.card_revision_create(actor=team["mlops"], model=imported.model, content=content)
    client.force_login(team["sponsor"])
    with django_assert_max_num_queries(24):
        assert client.get(page_urls(project)["card"]).status_code == 200


@pytest.mark.parametrize("count", [2, 12])
def test_portfolio_lists_only_visible_projects_in_constant_queries(
    client, project, team, count, outsider, django_assert_max_num_queries
):
    _models(project, team, count)
    client.force_login(team["sponsor"])
    with django_assert_max_num_queries(12):
        page = client.get("/model-cards/")
    assert page.status_code == 200 and len(page.context["rows"]) == count
    client.force_login(outsider)
    assert client.get("/model-cards/").context["rows"] == []


def test_register_a_model_then_set_the_version_being_promoted(client, project, team):
    client.force_login(team["scientist"])
    base = f"/projects/{project.slug}/model-cards/"
    response = client.post(f"{base}new/", {"name": "Churn challenger", "key": "", "promoted_version": ""})
    model = MLModel.objects.get()
    assert response.status_code == 302 and response["Location"] == model.get_absolute_url()
    assert (model.key, model.is_current) == ("churn-challenger", True)
    assert "No card yet" in client.get(model.get_absolute_url()).content.decode()
    bad = client.post(f"{base}churn-challenger/settings/", {"name": "Churn challenger", "promoted_version": "3"})
    assert bad.status_code == 200 and "semantic version" in bad.content.decode()
    client.post(
        f"{base}churn-challenger/settings/",
        {"name": "Churn challenger", "is_current": "on", "promoted_version": "3.0.0"},
    )
    model.refresh_from_db()
    assert model.promoted_version == "3.0.0"
