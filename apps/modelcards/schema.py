"""The structure of a model card: the Production ML checklist's template, checked field by field.

A card's content is the mapping under the seed YAML's `model_card:` root. The
portal knows the fields below; any other key is kept as it came and exported
again. Validation names the field path of every problem
(`metrics.primary[0].value: expected a number`); completeness lists what the
template requires and the card lacks, like a checklist's red flags.
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# semver.org's suggested regular expression (2.0.0), without a leading "v".
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_TEXT = 5000
MAX_ITEMS = 200
MAX_DEPTH = 12

TEXT, NUMBER, TEXT_LIST, DATE, SEMVER_TEXT = "text", "number", "text list", "date", "semver"


@dataclass(frozen=True)
class Field:
    """A known field: its key, label, kind, and for mappings and lists of mappings, its children."""

    key: str
    label: str
    kind: str = TEXT  # text, number, text list, date, semver, mapping, records
    children: tuple["Field", ...] = ()
    identity: str = ""  # records: the key that names an entry (metrics by "metric", subgroups by "group")
    open_numbers: bool = False  # records: other keys are metric values (subgroup performance)


def _data(key: str, label: str) -> Field:
    return Field(
        key,
        label,
        "mapping",
        (
            Field("description", "Description"),
            Field("version", "Dataset version"),
            Field("size", "Size"),
            Field("date_range", "Date range"),
            Field("known_issues", "Known issues", TEXT_LIST),
        ),
    )


METRIC_RECORDS = (Field("metric", "Metric"), Field("value", "Value", NUMBER))

CARD_FIELDS: tuple[Field, ...] = (
    Field("model_name", "Model name"),
    Field("version", "Version", SEMVER_TEXT),
    Field("date", "Date (training completed)", DATE),
    Field("owner", "Owner"),
    Field("contact", "Contact"),
    Field(
        "intended_use",
        "Intended use",
        "mapping",
        (
            Field("primary_use", "Primary use"),
            Field("primary_users", "Primary users"),
            Field("out_of_scope", "Out-of-scope uses", TEXT_LIST),
        ),
    ),
    _data("training_data", "Training data"),
    _data("evaluation_data", "Evaluation data"),
    Field(
        "metrics",
        "Metrics",
        "mapping",
        (
            Field("primary", "Primary metrics", "records", METRIC_RECORDS, identity="metric"),
            Field("secondary", "Secondary metrics", "records", METRIC_RECORDS, identity="metric"),
        ),
    ),
    Field(
        "subgroup_performance",
        "Subgroup performance",
        "records",
        (Field("group", "Group"), Field("note", "Note")),
        identity="group",
        open_numbers=True,
    ),
    Field("ethical_considerations", "Ethical considerations", TEXT_LIST),
    Field("caveats_and_recommendations", "Caveats and recommendations", TEXT_LIST),
    Field(
        "maintenance",
        "Maintenance plan",
        "mapping",
        (
            Field("retraining_schedule", "Retraining schedule"),
            Field("drift_monitoring", "Drift monitoring"),
            Field("owner", "Monitoring owner"),
            Field("escalation", "Escalation"),
        ),
    ),
    # The lifecycle guide's additions for LLM, RAG and agent projects.
    Field(
        "llm",
        "LLM / generative additions",
        "mapping",
        (
            Field("prompt_library", "Prompt library reference"),
            Field("grounding_evaluation", "Grounding evaluation report"),
            Field("red_teaming", "Red-teaming results"),
            Field("safety_filters", "Safety filter configuration"),
            Field("safety_metrics", "Hallucination and safety metrics", "records", METRIC_RECORDS, identity="metric"),
        ),
    ),
)
FIELDS_BY_KEY = {field.key: field for field in CARD_FIELDS}


def field_at(path: tuple[str, ...]) -> Field | None:
    """The known field at a path of mapping keys, e.g. ("metrics", "primary")."""
    fields, found = CARD_FIELDS, None
    for key in path:
        found = next((field for field in fields if field.key == key), None)
        if found is None:
            return None
        fields = found.children
    return found


def label_of(path: str) -> str:
    """A person's name for a dotted path: 'metrics.primary' -> 'Metrics › Primary metrics'."""
    labels, fields = [], CARD_FIELDS
    for part in re.split(r"\.(?![^\[]*\])", path):
        key, _, rest = part.partition("[")
        field = next((f for f in fields if f.key == key), None)
        labels.append((field.label if field else key.replace("_", " ")) + (f" [{rest}" if rest else ""))
        fields = field.children if field else ()
    return " › ".join(labels)


# --- Validation ---------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _type_name(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class _Checker:
    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def json_safe(self, value, path: str, depth: int = 0) -> None:
        """Whatever the key, the content must be storable as JSON and come back equal."""
        if depth > MAX_DEPTH:
            self.error(path, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    self.error(f"{path}.{key}" if path else str(key), "keys must be text")
                else:
                    self.json_safe(item, f"{path}.{key}" if path else key, depth + 1)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.json_safe(item, f"{path}[{index}]", depth + 1)
        elif isinstance(value, float) and not math.isfinite(value):
            self.error(path, "expected a finite number")
        elif not (value is None or isinstance(value, str | int | float | bool)):
            self.error(path, f"{type(value).__name__} values cannot be stored; use text")

    def value(self, field: Field, value, path: str) -> None:
        if field.kind == NUMBER:
            if not _is_number(value):
                self.error(path, f"expected a number, got {_type_name(value)}")
        elif field.kind in (TEXT, DATE, SEMVER_TEXT):
            self.text(field, value, path)
        elif field.kind == TEXT_LIST:
            if not isinstance(value, list):
                self.error(path, f"expected a list of text, got {_type_name(value)}")
                return
            self.length(value, path)
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    self.error(f"{path}[{index}]", f"expected text, got {_type_name(item)}")
                elif len(item) > MAX_TEXT:
                    self.error(f"{path}[{index}]", f"longer than {MAX_TEXT} characters")
        elif field.kind == "mapping":
            if not isinstance(value, dict):
                self.error(path, f"expected a mapping, got {_type_name(value)}")
                return
            self.mapping(field.children, value, f"{path}.")
        elif field.kind == "records":
            self.records(field, value, path)

    def text(self, field: Field, value, path: str) -> None:
        if not isinstance(value, str):
            self.error(path, f"expected text, got {_type_name(value)}")
        elif len(value) > MAX_TEXT:
            self.error(path, f"longer than {MAX_TEXT} characters")
        elif field.kind == SEMVER_TEXT and not SEMVER.match(value):
            self.error(path, f'"{value}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 2.1.0)')
        elif field.kind == DATE and not _iso_date(value):
            self.error(path, f'"{value}" is not a date (YYYY-MM-DD)')

    def length(self, value: list, path: str) -> None:
        if len(value) > MAX_ITEMS:
            self.error(path, f"more than {MAX_ITEMS} entries")

    def records(self, field: Field, value, path: str) -> None:
        if not isinstance(value, list):
            self.error(path, f"expected a list of entries, got {_type_name(value)}")
            return
        self.length(value, path)
        seen: set[str] = set()
        for index, entry in enumerate(value):
            where = f"{path}[{index}]"
            if not isinstance(entry, dict):
                self.error(where, f"expected a mapping, got {_type_name(entry)}")
                continue
            name = entry.get(field.identity)
            if not isinstance(name, str) or not name.strip():
                self.error(f"{where}.{field.identity}", "required")
            elif name in seen:
                self.error(f"{where}.{field.identity}", f'"{name}" appears twice')
            else:
                seen.add(name)
            self.mapping(field.children, entry, f"{where}.")
            if field.open_numbers:
                known = {child.key for child in field.children}
                for key, item in entry.items():
                    if key not in known and isinstance(item, bool):
                        self.error(f"{where}.{key}", "expected a number (a metric value) or text, got true/false")
            elif field.identity == "metric" and "value" not in entry:
                self.error(f"{where}.value", "required")

    def mapping(self, fields: tuple[Field, ...], value: dict, prefix: str) -> None:
        for field in fields:
            if field.key in value and value[field.key] is not None:
                self.value(field, value[field.key], f"{prefix}{field.key}")


def _iso_date(value: str) -> bool:
    if not ISO_DATE.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_content(content, *, root: str = "") -> dict:
    """Check a card's content against the template; raise ValidationError({path: [messages]}).

    Model name and version are required (they identify the revision); everything
    else may be missing (the completeness panel says what). Unknown keys pass
    unchanged. `root` prefixes every path (the YAML file's "model_card.").
    Returns the content.
    """
    checker = _Checker()
    if not isinstance(content, dict):
        raise ValidationError(
            {root.rstrip(".") or "model_card": [f"expected a mapping of card fields, got {_type_name(content)}"]}
        )
    checker.json_safe(content, root.rstrip("."))
    checker.mapping(CARD_FIELDS, content, root)
    for key in ("model_name", "version"):
        if not (isinstance(content.get(key), str) and content[key].strip()):
            checker.errors.setdefault(f"{root}{key}", ["required"])
    if checker.errors:
        raise ValidationError(checker.errors)
    return content


# --- Completeness -------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One thing the template requires: present or missing, with what to add."""

    key: str
    label: str
    missing: bool
    detail: str = ""
    anchor: str = ""


def _get(content: dict, *path):
    value = content
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return value is not None


def _all_filled(content: dict, section: str, keys: tuple[str, ...], label: str) -> tuple[bool, str]:
    missing = [k.replace("_", " ") for k in keys if not _filled(_get(content, section, k))]
    return bool(missing), f"{label}: add the {', '.join(missing)}." if missing else ""


def completeness(content: dict, *, generative: bool = False) -> list[Requirement]:
    """The template's minimum fields (and, for LLM projects, the guide's additions), each present or missing."""
    data_keys = ("description", "version", "size", "date_range")
    training_missing, training_detail = _all_filled(content, "training_data", data_keys, "Training data")
    evaluation_missing, evaluation_detail = _all_filled(content, "evaluation_data", data_keys, "Evaluation data")
    maintenance_missing, maintenance_detail = _all_filled(
        content, "maintenance", ("retraining_schedule", "owner"), "Maintenance plan"
    )
    subgroups = _get(content, "subgroup_performance") or []
    without_metric = [
        str(entry.get("group"))
        for entry in subgroups
        if isinstance(entry, dict) and not any(_is_number(v) for k, v in entry.items() if k not in ("group", "note"))
    ]
    checks = [
        Requirement("model_name", "Model name", not _filled(content.get("model_name")), anchor="model_name"),
        Requirement("version", "Semantic version", not _filled(content.get("version")), anchor="version"),
        Requirement("date", "Training completion date", not _filled(content.get("date")), anchor="date"),
        Requirement("owner", "Owner (team or person)", not _filled(content.get("owner")), anchor="owner"),
        Requirement(
            "intended_use",
            "Intended use",
            not _filled(_get(content, "intended_use", "primary_use")),
            "Say what the model is designed for.",
            "intended_use",
        ),
        Requirement(
            "out_of_scope",
            "Out-of-scope use",
            not _filled(_get(content, "intended_use", "out_of_scope")),
            "No out-of-scope use listed: say what the model must not be used for.",
            "intended_use",
        ),
        Requirement("training_data", "Training data", training_missing, training_detail, "training_data"),
        Requirement("evaluation_data", "Evaluation data", evaluation_missing, evaluation_detail, "evaluation_data"),
        Requirement(
            "primary_metrics",
            "Primary metrics on evaluation data",
            not _filled(_get(content, "metrics", "primary")),
            "No primary metric reported.",
            "metrics",
        ),
        Requirement(
            "secondary_metrics",
            "Secondary metrics",
            not _filled(_get(content, "metrics", "secondary")),
            "No secondary metric reported.",
            "metrics",
        ),
        Requirement(
            "subgroup_performance",
            "Subgroup performance",
            not subgroups or bool(without_metric),
            f"No metric value for: {', '.join(without_metric)}."
            if subgroups
            else "No subgroup performance: break the metrics down by the relevant subgroups.",
            "subgroup_performance",
        ),
        Requirement(
            "ethical_considerations",
            "Ethical considerations",
            not _filled(content.get("ethical_considerations")),
            "Known biases, limitations and risks.",
            "ethical_considerations",
        ),
        Requirement(
            "caveats_and_recommendations",
            "Caveats and recommendations",
            not _filled(content.get("caveats_and_recommendations")),
            "Conditions where performance degrades.",
            "caveats_and_recommendations",
        ),
        Requirement("maintenance", "Maintenance plan", maintenance_missing, maintenance_detail, "maintenance"),
    ]
    if generative:
        for key, label in (
            ("prompt_library", "Prompt library reference"),
            ("grounding_evaluation", "Grounding evaluation report"),
            ("red_teaming", "Red-teaming results"),
            ("safety_filters", "Safety filter configuration"),
            ("safety_metrics", "Hallucination and safety metrics"),
        ):
            checks.append(
                Requirement(
                    f"llm.{key}", label, not _filled(_get(content, "llm", key)), "LLM / RAG / agent projects.", "llm"
                )
            )
    return checks


def missing_requirements(content: dict, *, generative: bool = False) -> list[Requirement]:
    return [check for check in completeness(content, generative=generative) if check.missing]


def metric_rows(content: dict) -> list[tuple[str, str, object]]:
    """(section, metric, value) of the primary and secondary metrics, in card order."""
    rows = []
    for section in ("primary", "secondary"):
        for entry in _get(content, "metrics", section) or []:
            if isinstance(entry, dict):
                rows.append((section, str(entry.get("metric", "")), entry.get("value")))
    return rows


def subgroup_metric_names(content: dict) -> list[str]:
    """The metric keys used across subgroup entries, in first-seen order (the table's columns)."""
    names: list[str] = []
    for entry in _get(content, "subgroup_performance") or []:
        if isinstance(entry, dict):
            for key, value in entry.items():
                if key not in ("group", "note") and _is_number(value) and key not in names:
                    names.append(key)
    return names


def unknown_keys(content: dict) -> dict:
    """Top-level keys the portal does not know (kept and exported as they came)."""
    return {key: value for key, value in content.items() if key not in FIELDS_BY_KEY}
