from django import forms
from django.contrib.auth import get_user_model

from apps.core.forms import StyledFormMixin

from .choices import ProjectStatus, Role
from .models import Project
from .services import PROJECT_CREATE_FIELDS


class MemberChoiceField(forms.ModelChoiceField):
    """A person picked among a project's members (`queryset=selectors.project_members(project=...)`), by name."""

    def label_from_instance(self, obj):
        return obj.display_name


class LinesField(forms.CharField):
    """A list of short strings edited as one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ProjectForm(StyledFormMixin, forms.ModelForm):
    guardrail_metrics = LinesField(
        help_text="One per line; at least one (e.g. 'false-positive rate ≤ 5%').", required=True
    )
    business_kpis = LinesField(help_text="One per line.", required=False, label="Business KPIs")

    class Meta:
        model = Project
        fields = PROJECT_CREATE_FIELDS
        widgets = {
            "problem_statement": forms.Textarea(attrs={"rows": 2}),
            "baseline_description": forms.Textarea(attrs={"rows": 3}),
            "baseline_metrics": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "annual_benefit": "Annual benefit (B)",
            "annual_cost": "Annual cost (C)",
            "current_stage": "Starting lifecycle stage",
        }
        help_texts = {
            "current_stage": (
                "For an initiative already under way; earlier stages show as passed with no sign-off on record. "
                "From then on the stage moves only through approved gates."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The stage moves only through an approved gate (or an administrator's audited override).
            del self.fields["current_stage"]
        # Retiring asks for a reason and makes the project read-only: it has its own form.
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0] != ProjectStatus.RETIRED]


class RetireForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown on the project's retired banner and audit trail."
    )


class MembershipForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True), label="Person")
    role = forms.ChoiceField(choices=Role.choices)
