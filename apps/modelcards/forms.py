"""Forms of the model-card pages. They translate fields to card content; the services validate and save."""

import copy
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.forms import StyledFormMixin
from apps.projects.choices import Role

from . import formats, schema
from .choices import ImportFormat
from .models import MLModel
from .services import DEFAULT_APPROVER_ROLES

EXTRA_ROWS = 2
LINES_HELP = "One per line."


def _number(text: str):
    """'12' -> 12, '0.847' -> 0.847; anything else is refused."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(f"“{text}” is not a number.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(f"“{text}” is not a finite number.")
    return value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _format(value) -> str:
    return "" if value is None else str(value)


class MLModelForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = MLModel
        fields = ["name", "key", "is_current", "promoted_version"]
        help_texts = {
            "key": "Lower-case letters, digits, hyphens and underscores; used in links. Left empty: from the name."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        if self.instance.pk:
            self.fields["key"].disabled = True


# (form field, path in the card, label, widget kind)
TEXT_FIELDS = [
    ("model_name", ("model_name",), "Model name", "line"),
    ("version", ("version",), "Version", "line"),
    ("date", ("date",), "Date (training completed)", "date"),
    ("owner", ("owner",), "Owner", "line"),
    ("contact", ("contact",), "Contact", "line"),
    ("primary_use", ("intended_use", "primary_use"), "Primary use", "text"),
    ("primary_users", ("intended_use", "primary_users"), "Primary users", "line"),
    ("out_of_scope", ("intended_use", "out_of_scope"), "Out-of-scope uses", "lines"),
    *[
        (f"{section}_{key}", (section, key), label, kind)
        for section in ("training_data", "evaluation_data")
        for key, label, kind in (
            ("description", "Description", "text"),
            ("version", "Dataset version", "line"),
            ("size", "Size", "line"),
            ("date_range", "Date range", "line"),
            ("known_issues", "Known issues", "lines"),
        )
    ],
    ("ethical_considerations", ("ethical_considerations",), "Ethical considerations", "lines"),
    ("caveats_and_recommendations", ("caveats_and_recommendations",), "Caveats and recommendations", "lines"),
    ("retraining_schedule", ("maintenance", "retraining_schedule"), "Retraining schedule", "line"),
    ("drift_monitoring", ("maintenance", "drift_monitoring"), "Drift monitoring", "line"),
    ("maintenance_owner", ("maintenance", "owner"), "Monitoring owner", "line"),
    ("escalation", ("maintenance", "escalation"), "Escalation", "line"),
]
LLM_FIELDS = [
    ("llm_prompt_library", ("llm", "prompt_library"), "Prompt library reference", "line"),
    ("llm_grounding_evaluation", ("llm", "grounding_evaluation"), "Grounding evaluation report", "line"),
    ("llm_red_teaming", ("llm", "red_teaming"), "Red-teaming results", "text"),
    ("llm_safety_filters", ("llm", "safety_filters"), "Safety filter configuration", "text"),
]
METRIC_LISTS = [("primary", ("metrics", "primary")), ("secondary", ("metrics", "secondary"))]
LLM_METRIC_LISTS = [("safety", ("llm", "safety_metrics"))]


def _get(content: dict, path: tuple[str, ...]):
    value = content
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _set(content: dict, path: tuple[str, ...], value) -> None:
    """Set a value, or remove the key when the value is empty (and a section left empty)."""
    *parents, last = path
    target = content
    for key in parents:
        if not isinstance(target.get(key), dict):
            if value in (None, "", []):
                return
            target[key] = {}
        target = target[key]
    if value in (None, "", []):
        target.pop(last, None)
    else:
        target[last] = value
    if parents and not content.get(parents[0]):
        content.pop(parents[0], None)


class CardForm(StyledFormMixin, forms.Form):
    """The card's fields. Keys the form does not show (unknown keys, extra keys of metrics) are kept."""

    note = forms.CharField(
        label="What changed", max_length=500, required=False, help_text="Shown in the revision history."
    )

    def __init__(self, *args, base: dict, generative: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.base = base
        self.generative = generative
        text_fields = TEXT_FIELDS + (LLM_FIELDS if generative else [])
        for name, path, label, kind in text_fields:
            value = _get(base, path)
            if kind == "lines":
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))
                field.help_text = LINES_HELP
                initial = "\n".join(_format(v) for v in value) if isinstance(value, list) else _format(value)
            elif kind == "text":
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
                initial = _format(value)
            else:
                field = forms.CharField(label=label, required=False, max_length=schema.MAX_TEXT)
                initial = _format(value)
            if kind == "date":
                field.widget = forms.DateInput(attrs={"type": "date"})
            field.card_path = path
            field.kind = kind
            self.fields[name] = field
            self.initial.setdefault(name, initial)
        self.fields["model_name"].required = self.fields["version"].required = True
        self.fields["version"].help_text = "Semantic version, e.g. 2.1.0."
        self.metric_rows = {}
        for prefix, path in METRIC_LISTS + (LLM_METRIC_LISTS if generative else []):
            entries = [e for e in _get(base, path) or [] if isinstance(e, dict)]
            rows = []
            for index in range(len(entries) + EXTRA_ROWS):
                entry = entries[index] if index < len(entries) else {}
                metric, value = f"{prefix}_{index}_metric", f"{prefix}_{index}_value"
                where = f"{prefix.capitalize()} metric {index + 1}"
                self.fields[metric] = forms.CharField(
                    label="Metric",
                    required=False,
                    max_length=200,
                    widget=forms.TextInput({"aria-label": f"{where}: name"}),
                )
                self.fields[value] = forms.CharField(
                    label="Value",
                    required=False,
                    max_length=50,
                    widget=forms.TextInput({"aria-label": f"{where}: value"}),
                )
                self.initial.setdefault(metric, _format(entry.get("metric")))
                self.initial.setdefault(value, _format(entry.get("value")))
                rows.append((metric, value))
            self.metric_rows[prefix] = (path, rows)
        subgroups = [e for e in _get(base, ("subgroup_performance",)) or [] if isinstance(e, dict)]
        self.subgroup_rows = []
        for index in range(len(subgroups) + EXTRA_ROWS):
            entry = subgroups[index] if index < len(subgroups) else {}
            names = (f"subgroup_{index}_group", f"subgroup_{index}_metrics", f"subgroup_{index}_note")
            where = f"Subgroup {index + 1}"
            self.fields[names[0]] = forms.CharField(
                label="Group", required=False, max_length=200, widget=forms.TextInput({"aria-label": f"{where}: group"})
            )
            self.fields[names[1]] = forms.CharField(
                label="Metric values",
                required=False,
                max_length=500,
                widget=forms.TextInput({"aria-label": f"{where}: metric values (name=value, comma-separated)"}),
            )
            self.fields[names[2]] = forms.CharField(
                label="Note",
                required=False,
                max_length=schema.MAX_TEXT,
                widget=forms.TextInput({"aria-label": f"{where}: note"}),
            )
            self.initial.setdefault(names[0], _format(entry.get("group")))
            self.initial.setdefault(
                names[1],
                ", ".join(f"{k}={v}" for k, v in entry.items() if k not in ("group", "note") and schema._is_number(v)),
            )
            self.initial.setdefault(names[2], _format(entry.get("note")))
            self.subgroup_rows.append(names)
        for field in self.fields.values():  # fields added after StyledFormMixin.__init__ ran
            if "form-control" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} form-control".strip()

    # Template helpers: bound fields grouped as the card shows them.
    def section(self, *names):
        return [self[name] for name in names if name in self.fields]

    def metric_table(self, prefix):
        return [(self[m], self[v]) for m, v in self.metric_rows.get(prefix, (None, []))[1]]

    def subgroup_table(self):
        return [tuple(self[n] for n in names) for names in self.subgroup_rows]

    def clean(self):
        data = super().clean()
        content = copy.deepcopy(self.base)
        for name, field in self.fields.items():
            if hasattr(field, "card_path"):
                text = data.get(name, "")
                value = _lines(text) if field.kind == "lines" else text.strip()
                _set(content, field.card_path, value)
        for path, rows in self.metric_rows.values():
            old = {e.get("metric"): e for e in _get(self.base, path) or [] if isinstance(e, dict)}
            entries = []
            for metric_name, value_name in rows:
                metric, value = data.get(metric_name, "").strip(), data.get(value_name, "").strip()
                if not metric and not value:
                    continue
                if not metric:
                    self.add_error(metric_name, "Name the metric.")
                    continue
                try:
                    number = _number(value)
                except ValidationError as error:
                    self.add_error(value_name, error)
                    continue
                entries.append({**old.get(metric, {}), "metric": metric, "value": number})
            _set(content, path, entries)
        old_groups = {
            e.get("group"): e for e in _get(self.base, ("subgroup_performance",)) or [] if isinstance(e, dict)
        }
        groups = []
        for group_name, metrics_name, note_name in self.subgroup_rows:
            group = data.get(group_name, "").strip()
            metrics_text, note = data.get(metrics_name, "").strip(), data.get(note_name, "").strip()
            if not (group or metrics_text or note):
                continue
            if not group:
                self.add_error(group_name, "Name the group.")
                continue
            kept = {k: v for k, v in old_groups.get(group, {}).items() if k not in ("group", "note")}
            kept = {
                k: v for k, v in kept.items() if not schema._is_number(v)
            }  # text extras stay; metrics come from the form
            entry = {"group": group}
            for pair in filter(None, (p.strip() for p in metrics_text.split(","))):
                key, sep, value = pair.partition("=")
                if not sep or not key.strip():
                    self.add_error(metrics_name, f"“{pair}”: write name=value, e.g. auc_roc=0.79.")
                    break
                try:
                    entry[key.strip()] = _number(value)
                except ValidationError as error:
                    self.add_error(metrics_name, error)
                    break
            entry.update(kept)
            if note:
                entry["note"] = note
            groups.append(entry)
        _set(content, ("subgroup_performance",), groups)
        if not self.errors:
            try:
                self.content = schema.validate_content(content)
            except ValidationError as error:
                for path, messages in error.message_dict.items():
                    self.add_error(None, [f"{schema.label_of(path)}: {m}" for m in messages])
        return data


class CardYamlForm(StyledFormMixin, forms.Form):
    """The whole card as YAML, for what the form does not show (extra keys, long lists)."""

    card_yaml = forms.CharField(
        label="Card as YAML",
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "font-monospace small"}),
        help_text="The checklist template's format, under a model_card: root. Unknown keys are kept.",
    )
    note = forms.CharField(label="What changed", max_length=500, required=False)

    def clean_card_yaml(self):
        try:
            self.content = formats.parse_card_yaml(self.cleaned_data["card_yaml"])
        except ValidationError as error:
            raise ValidationError(
                [f"{path}: {m}" if path != "file" else m for path, ms in error.message_dict.items() for m in ms]
            ) from None
        return self.cleaned_data["card_yaml"]


class CardImportForm(StyledFormMixin, forms.Form):
    format = forms.ChoiceField(label="Format", choices=ImportFormat.choices, initial=ImportFormat.YAML)
    model = forms.ModelChoiceField(
        label="Model",
        queryset=MLModel.objects.none(),
        required=False,
        empty_label="A new model, named by the card",
        help_text="The card's model name picks an existing model with that name, or registers it.",
    )
    file = forms.FileField(label="File", required=False, help_text="A .yaml / .yml card or a README.md, up to 512 KB.")
    text = forms.CharField(
        label="…or paste it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace small"}),
    )
    note = forms.CharField(label="What changed", max_length=500, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = MLModel.objects.filter(project=project)

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text", "")
        if upload and text.strip():
            raise ValidationError("Upload a file or paste the card, not both.")
        if upload:
            if upload.size > formats.MAX_UPLOAD_BYTES:
                raise ValidationError({"file": f"The file is larger than {formats.MAX_UPLOAD_BYTES // 1024} KB."})
            data["payload"] = upload.read()
        elif text.strip():
            data["payload"] = text
        else:
            raise ValidationError("Choose a file or paste the card.")
        return data


APPROVER_ROLE_CHOICES = [(role.value, role.label) for role in Role]


class SubmitForm(StyledFormMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="Approvers (every one must approve)",
        choices=APPROVER_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Project roles; any member holding the role can sign, except you.",
    )
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="Note to the approvers", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, default_roles=DEFAULT_APPROVER_ROLES, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("roles", [str(role) for role in default_roles])
        self.initial.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=7))
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
