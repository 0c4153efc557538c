"""Formats in and out: the seed's YAML, Google Model Card Toolkit JSON, Hugging Face README.md.

* YAML (`model_card:` root) round-trips equal as data: dates stay text (the loader
  does not turn `2025-03-15` into a date), unknown keys are kept.
* Model Card Toolkit JSON follows the toolkit's schema v0.0.2 (model_details,
  model_parameters, quantitative_analysis, considerations).
* Hugging Face README.md: YAML front matter (license, tags, model-index with the
  metrics as eval results) built with huggingface_hub's ModelCardData and a
  Markdown body; reading one back takes its metadata only. Nothing here touches
  the network (no templates from the Hub, no `validate()`).

Hostile input is bounded before it is parsed: size here, then YAML aliases (no
"billion laughs"), nesting depth and node count in `apps.core.yamlload`.
"""

import json
import os
import re

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from apps.core.yamlload import load_yaml as bounded_load_yaml

from . import schema

# huggingface_hub only builds and parses README text here; make sure it never goes online.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MAX_UPLOAD_BYTES = 512 * 1024
MCT_SCHEMA_VERSION = "0.0.2"
YAML_ROOT = "model_card"

HF_TASKS = {
    "classification": "tabular-classification",
    "regression": "tabular-regression",
    "forecasting": "time-series-forecasting",
    "recommendations": "tabular-classification",
    "vision": "image-classification",
    "nlp_llm": "text-generation",
    "rag": "question-answering",
    "agents": "text-generation",
}
HF_METADATA_KEYS = ("license", "tags", "datasets", "language", "library_name", "base_model", "pipeline_tag")


class CardDumper(yaml.SafeDumper):
    """Block style, keys in card order, lists indented under their key as in the seed."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _text(data: str | bytes, *, what: str) -> str:
    if isinstance(data, bytes):
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": [f"{what} is larger than {MAX_UPLOAD_BYTES // 1024} KB."]})
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": [f"{what} is not UTF-8 text."]}) from None
    if len(data.encode()) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [f"{what} is larger than {MAX_UPLOAD_BYTES // 1024} KB."]})
    return data


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})" if mark else problem


def load_yaml(data: str | bytes, *, what: str = "The file") -> object:
    """A YAML document from people, through the portal's bounded loader; dates stay text."""
    text = _text(data, what=what)
    try:
        return bounded_load_yaml(text, max_bytes=MAX_UPLOAD_BYTES, dates_as_text=True)
    except yaml.YAMLError as error:
        raise ValidationError({"file": [f"Not valid YAML: {_yaml_problem(error)}"]}) from None


# --- The seed's YAML ------------------------------------------------------------------------


def parse_card_yaml(data: str | bytes) -> dict:
    """The content of a `model_card:` YAML document, validated; ValidationError names the field path."""
    document = load_yaml(data)
    if not isinstance(document, dict) or YAML_ROOT not in document:
        raise ValidationError({"file": ["Expected a YAML mapping with a model_card: root (the checklist's template)."]})
    extra = [str(key) for key in document if key != YAML_ROOT]
    if extra:
        raise ValidationError({"file": [f"Only the model_card: root is read; remove: {', '.join(extra)}."]})
    return schema.validate_content(document[YAML_ROOT], root=f"{YAML_ROOT}.")


def card_yaml(content: dict) -> str:
    """The card as the seed's YAML (`model_card:` root); parse_card_yaml(card_yaml(c)) == c."""
    return yaml.dump(
        {YAML_ROOT: content},
        Dumper=CardDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


# --- Google Model Card Toolkit JSON (schema v0.0.2) -------------------------------------------


def _get(content: dict, *path, default=None):
    value = content
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return default if value is None else value


def _dataset(content: dict, key: str, label: str) -> dict | None:
    data = _get(content, key, default={})
    if not isinstance(data, dict) or not data:
        return None
    parts = [data.get("description", "")]
    for field, name in (("size", "Size"), ("date_range", "Date range")):
        if data.get(field):
            parts.append(f"{name}: {data[field]}.")
    if data.get("known_issues"):
        parts.append("Known issues: " + "; ".join(data["known_issues"]) + ".")
    name = f"{label} ({data['version']})" if data.get("version") else label
    return {"name": name, "description": " ".join(p for p in parts if p)}


def _metric_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def mct_json(content: dict) -> dict:
    """The card in Model Card Toolkit's JSON (v0.0.2); validates against the toolkit's schema."""
    details: dict = {"name": str(content.get("model_name", ""))}
    if _get(content, "intended_use", "primary_use"):
        details["overview"] = content["intended_use"]["primary_use"]
    owner = {k: content[v] for k, v in (("name", "owner"), ("contact", "contact")) if content.get(v)}
    if owner:
        details["owners"] = [owner]
    version = {"name": str(content.get("version", ""))}
    if content.get("date"):
        version["date"] = content["date"]
    details["version"] = version

    data = [d for d in (_dataset(content, "training_data", "Training data"),) if d]
    data += [d for d in (_dataset(content, "evaluation_data", "Evaluation data"),) if d]

    performance = [
        {"type": metric, "value": _metric_value(value)} for _section, metric, value in schema.metric_rows(content)
    ]
    for entry in _get(content, "subgroup_performance", default=[]):
        for key, value in entry.items():
            if key not in ("group", "note") and schema._is_number(value):
                performance.append({"type": key, "value": _metric_value(value), "slice": str(entry["group"])})
    for entry in _get(content, "llm", "safety_metrics", default=[]):
        performance.append({"type": entry["metric"], "value": _metric_value(entry.get("value"))})

    considerations: dict = {}
    if _get(content, "intended_use", "primary_users"):
        considerations["users"] = [{"description": content["intended_use"]["primary_users"]}]
    if _get(content, "intended_use", "primary_use"):
        considerations["use_cases"] = [{"description": content["intended_use"]["primary_use"]}]
    limitations = [f"Out of scope: {item}" for item in _get(content, "intended_use", "out_of_scope", default=[])]
    limitations += list(_get(content, "caveats_and_recommendations", default=[]))
    if limitations:
        considerations["limitations"] = [{"description": item} for item in limitations]
    tradeoffs = [
        f"{entry['group']}: {entry['note']}"
        for entry in _get(content, "subgroup_performance", default=[])
        if entry.get("note")
    ]
    if tradeoffs:
        considerations["tradeoffs"] = [{"description": item} for item in tradeoffs]
    if content.get("ethical_considerations"):
        considerations["ethical_considerations"] = [{"name": item} for item in content["ethical_considerations"]]

    document = {"schema_version": MCT_SCHEMA_VERSION, "model_details": details}
    if data:
        document["model_parameters"] = {"data": data}
    if performance:
        document["quantitative_analysis"] = {"performance_metrics": performance}
    if considerations:
        document["considerations"] = considerations
    return document


# --- Hugging Face README.md ---------------------------------------------------------------------


def _md(value) -> str:
    """Text for a Markdown table cell or line: no line breaks, pipes escaped."""
    return re.sub(r"\s+", " ", str(value)).replace("|", "\\|").strip()


def _bullets(items) -> list[str]:
    return [f"- {_md(item)}" for item in items or []] or ["_Not documented._"]


def _readme_body(content: dict) -> str:
    name = _md(content.get("model_name", "Model"))
    lines = [f"# {name}", ""]
    if _get(content, "intended_use", "primary_use"):
        lines += [_md(content["intended_use"]["primary_use"]), ""]
    lines += ["## Model details", "", "| Field | Value |", "|---|---|"]
    for key, label in (("version", "Version"), ("date", "Date"), ("owner", "Owner"), ("contact", "Contact")):
        if content.get(key):
            lines.append(f"| {label} | {_md(content[key])} |")
    lines += ["", "## Intended use", ""]
    use = _get(content, "intended_use", default={})
    lines += [
        f"- **Primary use:** {_md(use.get('primary_use', ''))}",
        f"- **Primary users:** {_md(use.get('primary_users', ''))}",
    ]
    lines += ["", "### Out-of-scope use", "", *_bullets(use.get("out_of_scope")), ""]
    for key, label in (("training_data", "Training data"), ("evaluation_data", "Evaluation data")):
        data = _get(content, key, default={})
        lines += [f"## {label}", ""]
        for field, title in (
            ("description", "Description"),
            ("version", "Version"),
            ("size", "Size"),
            ("date_range", "Date range"),
        ):
            if data.get(field):
                lines.append(f"- **{title}:** {_md(data[field])}")
        if data.get("known_issues"):
            lines += ["- **Known issues:**", *[f"  - {_md(i)}" for i in data["known_issues"]]]
        lines.append("")
    lines += ["## Metrics", "", "| Metric | Value | Kind |", "|---|---|---|"]
    lines += [f"| {_md(metric)} | {_md(value)} | {section} |" for section, metric, value in schema.metric_rows(content)]
    columns = schema.subgroup_metric_names(content)
    if columns:
        lines += ["", "## Subgroup performance", "", "| Group | " + " | ".join(map(_md, columns)) + " | Note |"]
        lines.append("|---|" + "---|" * len(columns) + "---|")
        for entry in _get(content, "subgroup_performance", default=[]):
            cells = [_md(entry.get(column, "")) for column in columns]
            lines.append(f"| {_md(entry['group'])} | " + " | ".join(cells) + f" | {_md(entry.get('note', ''))} |")
    lines += ["", "## Ethical considerations", "", *_bullets(content.get("ethical_considerations"))]
    lines += ["", "## Caveats and recommendations", "", *_bullets(content.get("caveats_and_recommendations"))]
    maintenance = _get(content, "maintenance", default={})
    lines += ["", "## Maintenance", ""]
    for field, title in (
        ("retraining_schedule", "Retraining schedule"),
        ("drift_monitoring", "Drift monitoring"),
        ("owner", "Owner"),
        ("escalation", "Escalation"),
    ):
        if maintenance.get(field):
            lines.append(f"- **{title}:** {_md(maintenance[field])}")
    llm = _get(content, "llm", default={})
    if llm:
        lines += ["", "## LLM / generative additions", ""]
        for field in schema.FIELDS_BY_KEY["llm"].children:
            if field.kind == schema.TEXT and llm.get(field.key):
                lines.append(f"- **{field.label}:** {_md(llm[field.key])}")
        for entry in llm.get("safety_metrics") or []:
            lines.append(f"- **{_md(entry['metric'])}:** {_md(entry.get('value'))}")
    lines += ["", "_Exported from the ML Governance Portal._", ""]
    return "\n".join(lines)


def huggingface_readme(content: dict, *, use_case: str = "") -> str:
    """README.md text: YAML front matter (license, tags, model-index) and the card in Markdown."""
    from huggingface_hub import EvalResult, ModelCard, ModelCardData

    hub = _get(content, "huggingface", default={})
    hub = hub if isinstance(hub, dict) else {}
    name = str(content.get("model_name", "model"))
    evaluation = _get(content, "evaluation_data", default={})
    results = [
        EvalResult(
            task_type=HF_TASKS.get(use_case, "tabular-classification"),
            dataset_type=slugify(str(evaluation.get("version") or "evaluation-data")) or "evaluation-data",
            dataset_name=str(evaluation.get("description") or "Evaluation data"),
            metric_type=slugify(metric) or "metric",
            metric_name=metric,
            metric_value=value,
        )
        for _section, metric, value in schema.metric_rows(content)
    ]
    tags = hub.get("tags") or ["model-card", "ml-governance-portal", *([use_case] if use_case else [])]
    data = ModelCardData(
        license=hub.get("license") or "other",
        tags=tags,
        model_name=name,
        eval_results=results or None,
        **{key: hub[key] for key in HF_METADATA_KEYS if key not in ("license", "tags") and hub.get(key)},
        version=str(content.get("version", "")),
    )
    card = ModelCard(f"---\n{data.to_yaml()}\n---\n\n{_readme_body(content)}")
    return str(card)


def _front_matter(text: str) -> str:
    match = re.match(r"^\s*---\r?\n(.*?)\r?\n---\s*(\r?\n|$)", text, re.DOTALL)
    if not match:
        raise ValidationError({"file": ["No YAML front matter: a Hugging Face README.md starts with a --- block."]})
    return match[1]


def _huggingface_card(data: str | bytes):
    from huggingface_hub import ModelCard

    text = _text(data, what="The README")
    load_yaml(_front_matter(text), what="The README's front matter")  # bounds checked before huggingface_hub parses it
    try:
        return ModelCard(text)
    except (ValueError, yaml.YAMLError) as error:
        raise ValidationError({"file": [f"Not a readable Hugging Face model card: {error}"]}) from None


def huggingface_model_name(data: str | bytes) -> str:
    """The model name a README's metadata gives (model-index name or model_name), or ""."""
    return str(_huggingface_card(data).data.model_name or "")


def parse_huggingface_readme(data: str | bytes, *, base: dict) -> dict:
    """Apply a Hugging Face README's metadata to a copy of `base` (the latest revision, or empty).

    The model-index name sets the model name, a `version` key the version, eval
    results set metric values (matched by metric name; new metrics go to the
    primary list when the card has none, else to the secondary list), and
    license, tags, datasets... are kept under `huggingface`.
    """
    meta = _huggingface_card(data).data
    content = json.loads(json.dumps(base))
    hub = {key: getattr(meta, key) for key in HF_METADATA_KEYS if getattr(meta, key, None)}
    if hub:
        content["huggingface"] = {**(content.get("huggingface") or {}), **hub}
    if meta.model_name:
        content["model_name"] = str(meta.model_name)
    version = meta.to_dict().get("version")
    if isinstance(version, str) and version:
        content["version"] = version
    metrics = content.setdefault("metrics", {})
    if not isinstance(metrics, dict):
        raise ValidationError({"metrics": ["The card's metrics are not a mapping; fix them before importing."]})
    for result in meta.eval_results or []:
        label = result.metric_name or result.metric_type
        for section in ("primary", "secondary"):
            entry = next((e for e in metrics.get(section) or [] if e.get("metric") == label), None)
            if entry is not None:
                entry["value"] = result.metric_value
                break
        else:
            section = "secondary" if metrics.get("primary") else "primary"
            metrics.setdefault(section, []).append({"metric": label, "value": result.metric_value})
    if not metrics:
        content.pop("metrics")
    return schema.validate_content(content)


def card_value_text(value) -> str:
    """A value of a card as people read it: text as is, lists and mappings as compact YAML."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return yaml.dump(value, Dumper=CardDumper, sort_keys=False, allow_unicode=True, width=80).strip()
