"""Forms of the incident pages. They translate HTTP to the services' arguments and hold no rules."""

from django import forms

from apps.core.forms import StyledFormMixin
from apps.projects.selectors import project_members
from apps.risks.models import Risk

from .choices import MANUAL_ENTRY_CHOICES, ActionStatus, Status, categories_for
from .models import ActionItem, Incident, IncidentArtifact, PostIncidentReview
from .runbook import MAX_RUNBOOK_BYTES
from .services import ACTION_EDITABLE_FIELDS, INCIDENT_EDITABLE_FIELDS, REVIEW_EDITABLE_FIELDS

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"


def _when(label: str, help_text: str = "", required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[LOCAL_DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_DATETIME),
        help_text=help_text,
    )


class IncidentForm(StyledFormMixin, forms.ModelForm):
    """Open or edit an incident; people are chosen among the project's members."""

    detected_at = _when("Detected at", "Leave empty for now.")
    trigger_at = _when("Triggered at")
    channel_status_page = forms.URLField(label="Status page", required=False, max_length=300, assume_scheme="https")

    class Meta:
        model = Incident
        fields = ("detected_at", *INCIDENT_EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "rollback_validation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories_for(project)
        members = project_members(project=project)
        for name in ("commander", "data_scientist", "mlops_engineer", "product_owner", "compliance_officer"):
            self.fields[name].queryset = members
            self.fields[name].empty_label = "— Nobody yet —"
        if self.instance.pk:
            del self.fields["detected_at"]


class TransitionForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    at = _when("When", "Leave empty for now.")
    note = forms.CharField(label="Note", required=False, max_length=1000)


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="Closing note", required=False, max_length=1000)


class TimelineEntryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=MANUAL_ENTRY_CHOICES)
    at = _when("When", "Leave empty for now.")
    text = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class RollbackForm(StyledFormMixin, forms.Form):
    at = _when("Rolled back at", "Leave empty for now.")
    note = forms.CharField(label="Note", required=False, max_length=1000)


class ArtifactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = IncidentArtifact
        fields = ("kind", "reference", "note")


class RiskLinkForm(StyledFormMixin, forms.Form):
    risk = forms.ModelChoiceField(label="Risk", queryset=Risk.objects.none())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].queryset = Risk.objects.filter(project=project).order_by("number")
        self.fields["risk"].label_from_instance = lambda risk: f"{risk.code} {risk.title}"


class ReviewForm(StyledFormMixin, forms.ModelForm):
    root_cause_identified_at = _when("Root cause identified at")

    class Meta:
        model = PostIncidentReview
        fields = REVIEW_EDITABLE_FIELDS
        widgets = {
            "root_cause": forms.Textarea(attrs={"rows": 5}),
            "went_well": forms.Textarea(attrs={"rows": 4}),
            "went_poorly": forms.Textarea(attrs={"rows": 4}),
            "data_loss": forms.Select(choices=[("", "— Not assessed yet —"), (True, "Yes"), (False, "No")]),
        }


class SubmitReviewForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label="Note to the approvers", required=False, max_length=1000)


class ActionItemForm(StyledFormMixin, forms.ModelForm):
    evidence_url = forms.URLField(label="Evidence link", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = ActionItem
        fields = ACTION_EDITABLE_FIELDS
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "verification_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = project_members(project=project)
        if not self.instance.pk:
            self.fields["status"].choices = [(ActionStatus.OPEN, ActionStatus.OPEN.label)]
            self.fields["status"].initial = ActionStatus.OPEN


class RunbookForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label="Runbook (YAML)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
        help_text="Paste the filled-in template, or upload the file below.",
    )
    file = forms.FileField(label="Runbook file", required=False, help_text="A .yaml or .yml file, at most 64 KB.")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_RUNBOOK_BYTES:
                raise forms.ValidationError(f"A runbook is at most {MAX_RUNBOOK_BYTES // 1024} KB.")
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste a runbook or choose a file.")
        return data
