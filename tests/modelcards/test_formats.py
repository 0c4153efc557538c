"""Formats in and out: the seed YAML round trip, Model Card Toolkit JSON, Hugging Face README."""

import json
from importlib.util import find_spec
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.exceptions import ValidationError

from apps.modelcards import formats


def test_seed_yaml_round_trips_equal_as_data(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml)
    exported = formats.card_yaml(content)
    assert yaml.safe_load(exported) == yaml.safe_load(seed_yaml)
    assert formats.parse_card_yaml(exported) == content


def test_unknown_keys_are_kept_and_exported(seed_yaml):
    text = seed_yaml + '  model_registry:\n    uri: "models:/churn/7"\n    stage: Production\n'
    text = text.replace("  intended_use:\n", '  intended_use:\n    review_board: "RAI-2025-03"\n')
    content = formats.parse_card_yaml(text)
    assert content["model_registry"] == {"uri": "models:/churn/7", "stage": "Production"}
    assert content["intended_use"]["review_board"] == "RAI-2025-03"
    assert yaml.safe_load(formats.card_yaml(content)) == yaml.safe_load(text)


def test_unquoted_dates_stay_text_so_the_round_trip_is_exact(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml.replace('date: "2025-03-15"', "date: 2025-03-15"))
    assert content["date"] == "2025-03-15"


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (("value: 0.847", 'value: "high"'), "model_card.metrics.primary[0].value", "expected a number"),
        (('version: "2.1.0"', 'version: "2.1"'), "model_card.version", "not a semantic version"),
        (('date: "2025-03-15"', 'date: "15/03/2025"'), "model_card.date", "not a date"),
        (("    out_of_scope:\n", "    out_of_scope: 12\n    x:\n"), "model_card.intended_use.out_of_scope", "list"),
        (('  - group: "US users"', "  - group: 7"), "model_card.subgroup_performance[2].group", "required"),
    ],
)
def test_a_wrong_type_is_refused_with_its_field_path(seed_yaml, change, path, message):
    with pytest.raises(ValidationError) as caught:
        formats.parse_card_yaml(seed_yaml.replace(*change, 1))
    errors = caught.value.message_dict
    assert path in errors, errors
    assert message in errors[path][0]


def test_bad_yaml_names_the_line():
    with pytest.raises(ValidationError) as caught:
        formats.parse_card_yaml("model_card:\n  model_name: [unclosed\n  version: 1.0.0\n")
    assert "Not valid YAML" in caught.value.message_dict["file"][0]
    assert "line" in caught.value.message_dict["file"][0]


def test_yaml_without_the_model_card_root_is_refused():
    with pytest.raises(ValidationError, match="model_card: root"):
        formats.parse_card_yaml("model_name: x\nversion: 1.0.0\n")


def test_hostile_yaml_is_refused_before_it_is_built():
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nmodel_card: {model_name: x, version: 1.0.0, c: *c}\n'
    with pytest.raises(ValidationError, match="aliases"):
        formats.parse_card_yaml(bomb)
    deep = "model_card:\n  x: " + "[" * 40 + "]" * 40 + "\n"
    with pytest.raises(ValidationError, match="nested deeper"):
        formats.parse_card_yaml(deep)
    with pytest.raises(ValidationError, match="larger than"):
        formats.parse_card_yaml(b"#" * (formats.MAX_UPLOAD_BYTES + 1))


def _mct_schema() -> dict:
    """The toolkit's own schema file, found without importing the package (its runtime needs TensorFlow)."""
    package = Path(find_spec("model_card_toolkit").submodule_search_locations[0])
    return json.loads((package / "schema" / "v0.0.2" / "model_card.schema.json").read_text())


def test_model_card_toolkit_export_validates_against_the_toolkits_own_schema(seed_yaml):
    document = formats.mct_json(formats.parse_card_yaml(seed_yaml))
    validator = jsonschema.Draft7Validator(_mct_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(document)) == []
    assert document["schema_version"] == "0.0.2"
    assert set(document) == {
        "schema_version",
        "model_details",
        "model_parameters",
        "quantitative_analysis",
        "considerations",
    }
    metrics = document["quantitative_analysis"]["performance_metrics"]
    assert {"type": "AUC-ROC", "value": "0.847"} in metrics
    assert {"type": "auc_roc", "value": "0.791", "slice": "tenure < 6 months"} in metrics


def test_the_schema_check_can_fail():
    validator = jsonschema.Draft7Validator(_mct_schema())
    assert list(validator.iter_errors({"model_details": {"version": {"name": 2}}, "unexpected": 1}))


def test_hugging_face_export_parses_with_huggingface_hub_and_carries_model_index(seed_yaml):
    from huggingface_hub import ModelCard

    readme = formats.huggingface_readme(formats.parse_card_yaml(seed_yaml), use_case="classification")
    card = ModelCard(readme)
    assert card.data.license == "other"
    assert "model-card" in card.data.tags
    assert card.data.model_name == "customer_churn_predictor"
    results = {result.metric_name: result.metric_value for result in card.data.eval_results}
    assert results == {"AUC-ROC": 0.847, "Precision@10%": 0.62, "Recall@10%": 0.38, "Brier Score": 0.089}
    assert card.data.to_dict()["model-index"][0]["name"] == "customer_churn_predictor"
    assert "## Subgroup performance" in card.text and "| tenure < 6 months | 0.791 |" in card.text


def test_hugging_face_metadata_import_updates_metrics_by_name_and_keeps_the_rest(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml)
    readme = formats.huggingface_readme(content, use_case="classification").replace("value: 0.847", "value: 0.85")
    readme = readme.replace("license: other", "license: apache-2.0")
    updated = formats.parse_huggingface_readme(readme, base=content)
    assert updated["metrics"]["primary"][0] == {"metric": "AUC-ROC", "value": 0.85}
    assert updated["metrics"]["secondary"] == content["metrics"]["secondary"]
    assert updated["huggingface"]["license"] == "apache-2.0"
    assert updated["subgroup_performance"] == content["subgroup_performance"]


def test_a_readme_without_front_matter_is_refused():
    with pytest.raises(ValidationError, match="front matter"):
        formats.parse_huggingface_readme("# Just a title\n", base={})


def test_hugging_face_export_and_import_need_no_network(seed_yaml, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    content = formats.parse_card_yaml(seed_yaml)
    readme = formats.huggingface_readme(content, use_case="classification")
    assert formats.parse_huggingface_readme(readme, base=content)["metrics"] == content["metrics"]
