import datetime

from django import forms
from django.utils import timezone

from apps.core.forms import StyledFormMixin
from apps.projects.selectors import project_members

from .choices import RiskStatus
from .importing import IMPORT_EXTENSIONS
from .models import Risk, RiskRegister
from .services import MAX_ACCEPTANCE_DAYS, RISK_EDITABLE_FIELDS, SIGNOFF_DUE_DAYS


class RiskForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a risk; the owner is chosen among the project's members."""

    class Meta:
        model = Risk
        fields = RISK_EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "impact": "Inherent impact",
            "likelihood": "Inherent likelihood",
            "owner": "Owner",
        }
        help_texts = {
            "impact": "Before mitigation. Bands: 1-2 Low, 3 Medium, 4-5 High.",
            "mitigation": "What reduces the risk, and who does it.",
            "residual_impact": "After the mitigation above is in place.",
            "review_frequency": "The governance cadence at which the risk is reassessed.",
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = project_members(project=project)
        self.fields["owner"].empty_label = "— No owner yet —"
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [
            (value, label)
            for value, label in RiskStatus.choices
            if value != RiskStatus.ACCEPTED or current == RiskStatus.ACCEPTED
        ]


class RiskAcceptForm(StyledFormMixin, forms.Form):
    expires_on = forms.DateField(
        label="Accepted until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"The acceptance ends after this day (at most {MAX_ACCEPTANCE_DAYS} days ahead); "
        "the risk then returns to open and its owner is told.",
    )
    note = forms.CharField(
        label="Why is the residual risk acceptable?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    signoff_due_on = forms.DateField(
        label="Sign-off due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"Only above the threshold. Empty: in {SIGNOFF_DUE_DAYS} days (or on the expiry date, if sooner).",
    )

    def __init__(self, *args, needs_signoff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].widget.attrs["min"] = (today + datetime.timedelta(days=1)).isoformat()
        if needs_signoff:
            self.fields["signoff_due_on"].widget.attrs["min"] = today.isoformat()
        else:
            del self.fields["signoff_due_on"]


class RiskImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Register file",
        help_text="A .csv (UTF-8) or .xlsx file, first row = column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in IMPORT_EXTENSIONS)}),
    )


class RiskRegisterForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = RiskRegister
        fields = ["acceptance_threshold"]
        labels = {"acceptance_threshold": "Acceptance threshold (residual score)"}
