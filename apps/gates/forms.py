import datetime

from django import forms
from django.utils import timezone

from apps.core.forms import StyledFormMixin

from .choices import GoNoGo


def _default_due():
    return timezone.localdate() + datetime.timedelta(days=7)


class SubmitForm(StyledFormMixin, forms.Form):
    due_on = forms.DateField(
        label="Sign-off due by", initial=_default_due, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label="Note to the approvers", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CriteriaForm(StyledFormMixin, forms.Form):
    go_no_go_criteria = forms.CharField(
        label="Go / No-Go criteria for feasibility",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="E.g. minimum uplift over the baseline, signal in a sample, data available and labelled.",
    )


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=GoNoGo.choices, widget=forms.RadioSelect, label="Decision")
    decision_rationale = forms.CharField(label="Rationale", widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="Why reopen this gate?", widget=forms.Textarea(attrs={"rows": 2}))
