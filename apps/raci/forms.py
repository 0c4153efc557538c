from django import forms
from django.utils import timezone

from apps.core.forms import StyledFormMixin
from apps.projects.choices import Stage

from .importing import MAX_IMPORT_BYTES


class ActivityForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="Activity", max_length=200, help_text="e.g. “Red-team review” or “Vendor DPA”.")
    stage = forms.ChoiceField(label="Stage", choices=Stage.choices)


class SubmitForm(StyledFormMixin, forms.Form):
    due_on = forms.DateField(label="Decide by", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="Note to the approvers", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError("The due date is in the past.")
        return due_on


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"The format of the CSV export; at most {MAX_IMPORT_BYTES // 1024} KB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
