"""The card's structure (semantic versions, completeness) and the revision diff."""

import copy

import pytest

from apps.modelcards import formats, schema
from apps.modelcards.diffing import ADDED, CHANGED, REMOVED, diff_values, summary


@pytest.mark.parametrize("version", ["2.1.0", "0.0.1", "10.20.30", "1.0.0-rc.1", "1.0.0+build.5", "1.0.0-alpha+001"])
def test_semantic_versions_are_accepted(version):
    assert schema.SEMVER.match(version)


@pytest.mark.parametrize("version", ["2.1", "v2.1.0", "01.1.0", "1.0.0-", "2.1.0.4", "latest", ""])
def test_non_semantic_versions_are_refused(version):
    assert not schema.SEMVER.match(version)


def test_the_seed_card_misses_only_its_caveats(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml)
    assert [r.key for r in schema.missing_requirements(content)] == ["caveats_and_recommendations"]


def test_completeness_flags_missing_subgroups_and_out_of_scope_uses(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml)
    del content["subgroup_performance"]
    content["intended_use"]["out_of_scope"] = []
    missing = {r.key: r for r in schema.missing_requirements(content)}
    assert {"subgroup_performance", "out_of_scope"} <= set(missing)
    assert "No subgroup performance" in missing["subgroup_performance"].detail
    assert "out-of-scope" in missing["out_of_scope"].detail


def test_generative_projects_also_need_the_llm_additions(seed_yaml):
    content = formats.parse_card_yaml(seed_yaml)
    keys = {r.key for r in schema.missing_requirements(content, generative=True)}
    assert {"llm.prompt_library", "llm.red_teaming", "llm.safety_metrics"} <= keys
    content["llm"] = {
        "prompt_library": "prompts@v4",
        "safety_metrics": [{"metric": "Hallucination rate", "value": 0.012}],
    }
    keys = {r.key for r in schema.missing_requirements(content, generative=True)}
    assert "llm.prompt_library" not in keys and "llm.safety_metrics" not in keys


@pytest.fixture
def card(seed_yaml):
    return formats.parse_card_yaml(seed_yaml)


def test_a_changed_metric_is_found_by_its_name(card):
    newer = copy.deepcopy(card)
    newer["metrics"]["primary"][0]["value"] = 0.861
    changes = diff_values(card, newer)
    assert [(c.path, c.kind, c.before, c.after) for c in changes] == [
        ("metrics.primary[AUC-ROC].value", CHANGED, 0.847, 0.861)
    ]
    assert changes[0].label == "Metrics › Primary metrics [AUC-ROC] › Value"


def test_reordering_metrics_or_subgroups_is_no_change(card):
    newer = copy.deepcopy(card)
    newer["metrics"]["secondary"].reverse()
    newer["subgroup_performance"].reverse()
    assert diff_values(card, newer) == []


def test_subgroups_added_removed_and_changed_inside_the_list(card):
    newer = copy.deepcopy(card)
    newer["subgroup_performance"] = [g for g in newer["subgroup_performance"] if g["group"] != "US users"]
    newer["subgroup_performance"].append({"group": "EU users", "auc_roc": 0.83})
    newer["subgroup_performance"][0]["recall"] = 0.41
    newer["subgroup_performance"][0].pop("note")
    changes = {(c.path, c.kind) for c in diff_values(card, newer)}
    assert changes == {
        ("subgroup_performance[tenure < 6 months].note", REMOVED),
        ("subgroup_performance[tenure < 6 months].recall", ADDED),
        ("subgroup_performance[US users]", REMOVED),
        ("subgroup_performance[EU users]", ADDED),
    }


def test_text_lists_report_edits_in_place_and_insertions(card):
    newer = copy.deepcopy(card)
    newer["ethical_considerations"][1] = "Feedback loop risk, monitored monthly"
    newer["ethical_considerations"].append("Opt-out honoured within 24 hours")
    changes = diff_values(card, newer)
    assert [(c.path, c.kind) for c in changes] == [
        ("ethical_considerations[1]", CHANGED),
        ("ethical_considerations[3]", ADDED),
    ]
    assert summary(changes) == {"added": 1, "removed": 0, "changed": 1}


def test_new_sections_and_type_changes_are_reported(card):
    newer = copy.deepcopy(card)
    newer["caveats_and_recommendations"] = ["Not for trial users"]
    newer["training_data"]["size"] = 2400000
    newer.pop("contact")
    changes = {(c.path, c.kind) for c in diff_values(card, newer)}
    assert changes == {
        ("caveats_and_recommendations", ADDED),
        ("training_data.size", CHANGED),
        ("contact", REMOVED),
    }


def test_a_metric_renamed_is_one_removed_and_one_added(card):
    newer = copy.deepcopy(card)
    newer["metrics"]["secondary"][1]["metric"] = "Log loss"
    kinds = {(c.path, c.kind) for c in diff_values(card, newer)}
    assert kinds == {("metrics.secondary[Brier Score]", REMOVED), ("metrics.secondary[Log loss]", ADDED)}
