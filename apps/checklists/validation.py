"""The checklist template format (docs/checklist-templates.md), checked without touching the database.

Library files and organisation uploads pass through the same function, so a
template that loads from the repository also uploads, and the other way round.
Every problem is reported with the file name and the path to the offending
value, so whoever edits the file can find it.
"""

import hashlib
import json
import re

import yaml
from django.core.exceptions import ValidationError

from apps.core.yamlload import load_yaml
from apps.projects.choices import Stage, UseCase

from .choices import SELECT_KINDS, ItemKind, Requirement

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OPTION_KEY = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
MAX_PROBLEMS = 15

TEMPLATE_KEYS = {"key", "name", "source", "description", "gate", "applies_to", "sections"}
SECTION_KEYS = {"key", "title", "guidance", "key_questions", "pitfalls", "items"}
ITEM_KEYS = {
    "key",
    "title",
    "stage",
    "requirement",
    "kind",
    "guidance",
    "implementation_questions",
    "key_considerations",
    "red_flags",
    "sub_criteria",
    "options",
    "evidence_required",
}
ITEM_LISTS = ("implementation_questions", "key_considerations", "red_flags", "sub_criteria")
SECTION_LISTS = ("key_questions", "pitfalls")


class TemplateFormatError(ValidationError):
    """A template document that does not follow the format; `problems` lists each one."""

    def __init__(self, file_name: str, problems: list[str]):
        self.file_name = file_name
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        super().__init__(f"{file_name}: " + "; ".join(shown) + more)


def content_hash(document: dict) -> str:
    """Hash of the template's content: comments and formatting of the file do not count."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def parse_template(text: str | bytes, *, file_name: str, expected_key: str | None = None) -> dict:
    """Parse and check one template file; return the document with optional keys filled in.

    Raises TemplateFormatError naming the file and every problem found.
    """
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise TemplateFormatError(file_name, [f"{where}not valid YAML ({problem})"]) from None
    except UnicodeDecodeError:
        raise TemplateFormatError(file_name, ["the file is not UTF-8 text"]) from None
    problems: list[str] = []
    document = _check_template(data, problems)
    if not problems and expected_key is not None and document["key"] != expected_key:
        problems.append(f"key '{document['key']}' must equal the file name without .yaml ('{expected_key}')")
    if problems:
        raise TemplateFormatError(file_name, problems)
    return document


def _text(value, path: str, problems: list[str], *, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{path} is missing or empty")
        return ""
    if not isinstance(value, str):
        problems.append(f"{path} must be text, not {type(value).__name__}")
        return ""
    return value.strip()


def _strings(value, path: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{path} must be a list of non-empty texts")
        return []
    return [v.strip() for v in value]


def _unknown(data: dict, allowed: set[str], path: str, problems: list[str]) -> None:
    for key in sorted(set(data) - allowed, key=str):
        problems.append(f"{path}: unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


def _slug(value, path: str, problems: list[str]) -> str:
    text = _text(value, path, problems)
    if text and not SLUG.match(text):
        problems.append(f"{path} '{text}' must be a slug (lower-case letters, digits and hyphens)")
    return text


def _choice(value, path: str, allowed, problems: list[str]) -> str:
    if value not in allowed:
        problems.append(f"{path} '{value}' is not one of: {', '.join(allowed)}")
        return ""
    return value


def _check_template(data, problems: list[str]) -> dict:
    if not isinstance(data, dict):
        problems.append("the file must contain one template (a mapping with key, name, sections, ...)")
        return {}
    _unknown(data, TEMPLATE_KEYS, "template", problems)
    for key in sorted(TEMPLATE_KEYS - set(data)):
        problems.append(f"required key '{key}' is missing")
    document = {
        "key": _slug(data.get("key"), "key", problems),
        "name": _text(data.get("name"), "name", problems),
        "source": _text(data.get("source"), "source", problems),
        "description": _text(data.get("description"), "description", problems),
    }
    gate = data.get("gate")
    if "gate" in data and not isinstance(gate, bool):
        problems.append(f"gate must be true or false, not '{gate}'")
    document["gate"] = gate is True
    applies_to = data.get("applies_to")
    if applies_to == "all":
        document["applies_to"] = "all"
    elif isinstance(applies_to, list) and applies_to:
        document["applies_to"] = [
            _choice(v, f"applies_to[{i}]", UseCase.values, problems) for i, v in enumerate(applies_to)
        ]
    elif "applies_to" in data:
        problems.append("applies_to must be 'all' or a non-empty list of use cases")
    sections = data.get("sections")
    if "sections" in data and (not isinstance(sections, list) or not sections):
        problems.append("sections must be a non-empty list")
        sections = []
    document["sections"] = []
    section_keys: set[str] = set()
    item_keys: set[str] = set()
    for s_index, section in enumerate(sections or []):
        document["sections"].append(_check_section(section, s_index, section_keys, item_keys, problems))
    return document


def _check_section(section, s_index: int, section_keys: set, item_keys: set, problems: list[str]) -> dict:
    path = f"sections[{s_index}]"
    if not isinstance(section, dict):
        problems.append(f"{path} must be a mapping")
        return {}
    key = _slug(section.get("key"), f"{path}.key", problems)
    path = f"section '{key}'" if key else path
    if key in section_keys:
        problems.append(f"{path}: section key is used twice")
    section_keys.add(key)
    _unknown(section, SECTION_KEYS, path, problems)
    result = {
        "key": key,
        "title": _text(section.get("title"), f"{path}.title", problems),
        "guidance": _text(section.get("guidance"), f"{path}.guidance", problems, required=False),
    }
    for name in SECTION_LISTS:
        result[name] = _strings(section.get(name), f"{path}.{name}", problems)
    items = section.get("items")
    if not isinstance(items, list) or not items:
        problems.append(f"{path}.items must be a non-empty list")
        items = []
    result["items"] = [_check_item(item, path, i, item_keys, problems) for i, item in enumerate(items)]
    return result


def _check_item(item, section_path: str, index: int, item_keys: set, problems: list[str]) -> dict:
    path = f"{section_path}.items[{index}]"
    if not isinstance(item, dict):
        problems.append(f"{path} must be a mapping")
        return {}
    key = _slug(item.get("key"), f"{path}.key", problems)
    path = f"item '{key}'" if key else path
    if key and key in item_keys:
        problems.append(f"{path}: item key is used twice in the template")
    item_keys.add(key)
    _unknown(item, ITEM_KEYS, path, problems)
    result = {
        "key": key,
        "title": _text(item.get("title"), f"{path}.title", problems),
        "stage": _choice(item.get("stage"), f"{path}.stage", Stage.values, problems),
        "requirement": _choice(item.get("requirement"), f"{path}.requirement", Requirement.values, problems),
        "kind": _choice(item.get("kind"), f"{path}.kind", ItemKind.values, problems),
        "guidance": _text(item.get("guidance"), f"{path}.guidance", problems, required=False),
    }
    for name in ITEM_LISTS:
        result[name] = _strings(item.get(name), f"{path}.{name}", problems)
    result["options"] = _check_options(item.get("options"), result["kind"], path, problems)
    # Kept only when the file says it, so that templates written before the key keep their content hash.
    if "evidence_required" in item:
        if isinstance(item["evidence_required"], bool):
            result["evidence_required"] = item["evidence_required"]
        else:
            problems.append(f"{path}.evidence_required must be true or false, not '{item['evidence_required']}'")
    return result


def evidence_required(item_data: dict) -> bool:
    """Whether Done needs evidence: the item's `evidence_required`, by default true for Required items."""
    return item_data.get("evidence_required", item_data.get("requirement") == Requirement.REQUIRED)


def _check_options(options, kind: str, path: str, problems: list[str]) -> list[dict]:
    if kind not in SELECT_KINDS:
        if options:
            problems.append(f"{path}: options are only allowed on single_select and multi_select items")
        return []
    if not isinstance(options, list) or len(options) < 2:
        problems.append(f"{path}: a {kind} item needs a list of at least two options")
        return []
    result, seen = [], set()
    for index, option in enumerate(options):
        where = f"{path}.options[{index}]"
        if not isinstance(option, dict) or set(option) != {"key", "label"}:
            problems.append(f"{where} must have exactly 'key' and 'label'")
            continue
        key = option["key"]
        if not isinstance(key, str) or not OPTION_KEY.match(key):
            problems.append(f"{where}.key '{key}' must be snake_case")
        elif key in seen:
            problems.append(f"{where}.key '{key}' is used twice in this question")
        seen.add(key)
        result.append({"key": key, "label": _text(option["label"], f"{where}.label", problems)})
    return result
